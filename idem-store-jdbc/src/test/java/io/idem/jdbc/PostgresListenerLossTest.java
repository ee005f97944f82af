package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.LeaseToken;
import io.idem.Outcome;
import io.idem.ResultCodec;
import io.idem.StoreUnavailableException;
import io.idem.testservers.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listening connection terminated under a waiting duplicate ({@code pg_terminate_backend}): the
 * waiter falls back to polling and gets its answer; the listener reconnects and later waiters are
 * woken by the database again. A store on a pool of its own, whose listener connects outside it.
 */
class PostgresListenerLossTest {

  private static final Fingerprint FP = Fingerprint.of("pay");

  private static JdbcStore store;
  private final List<IdempotencyKey> unavailable = new CopyOnWriteArrayList<>();
  private final IdempotencyListener listener = new IdempotencyListener() {
    @Override
    public void onSignalsUnavailable(IdempotencyKey key, Throwable cause) {
      unavailable.add(key);
    }
  };

  @BeforeAll
  static void open() {
    store = JdbcStore.builder(PostgresServer.sharedUrl()).tableName("idem_listener_loss").createIfMissing(true)
        .poolSize(2).build();
  }

  @AfterAll
  static void close() {
    store.close();
  }

  private static IdempotencyConfig waiting(Duration pollInterval, IdempotencyListener listener) {
    return IdempotencyConfig.custom().waitForInProgress(Duration.ofSeconds(40)).inProgressPollInterval(pollInterval)
        .listener(listener).build();
  }

  /** Terminates the sessions listening on this store's channel; returns how many. */
  private static int terminateListeners() throws Exception {
    try (Connection admin = DriverManager.getConnection(PostgresServer.sharedUrl());
        Statement statement = admin.createStatement();
        ResultSet killed = statement.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE query LIKE 'LISTEN \"" + PostgresSignals.channel(store.table()) + "\"%'")) {
      killed.next();
      return killed.getInt(1);
    }
  }

  @Test
  void waiterFallsBackToPollingWhenTheListenerIsTerminatedAndSignalsResumeOnceItReconnects() throws Exception {
    IdempotencyKey first = IdempotencyKey.of("listener", "first");
    try (Idempotency holder = Idempotency.create(store, waiting(Duration.ofMinutes(1), IdempotencyListener.NOOP));
        Idempotency polling = Idempotency.create(store, waiting(Duration.ofMillis(20), listener))) {
      Attempt attempt = ((Admission.Proceed) holder.begin(first, FP)).attempt();
      CompletableFuture<Admission> waiter = polling.beginAsync(first, FP).toCompletableFuture();
      // The first watch waits until the listener listens, so once the waiter waits, the listener is there.
      Awaitility.await("the listener listens").atMost(Duration.ofSeconds(30)).until(() -> terminateListeners() == 1);
      Awaitility.await("fallback reported").atMost(Duration.ofSeconds(30)).until(() -> unavailable.contains(first));
      assertThat(waiter).isNotDone();
      attempt.complete(bytes("paid"));
      assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload()).isEqualTo(bytes("paid"));
    }

    // Reconnected: a waiter that polls once a minute is answered within the test's bounds only by a notification.
    IdempotencyKey second = IdempotencyKey.of("listener", "second");
    Awaitility.await("listening again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .ignoreException(StoreUnavailableException.class)
        .until(() -> {
          store.watch(second).close();
          return true;
        });
    try (Idempotency holder = Idempotency.create(store, waiting(Duration.ofMinutes(1), IdempotencyListener.NOOP));
        Idempotency signalled = Idempotency.create(store, waiting(Duration.ofMinutes(1), listener))) {
      Attempt attempt = ((Admission.Proceed) holder.begin(second, FP)).attempt();
      CompletableFuture<Admission> waiter = signalled.beginAsync(second, FP).toCompletableFuture();
      Awaitility.await("waiting").pollDelay(Duration.ofMillis(200)).until(() -> !waiter.isDone());
      attempt.complete(bytes("paid again"));
      assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload()).isEqualTo(bytes("paid again"));
      assertThat(unavailable).doesNotContain(second);
    }
  }

  @Test
  void eachTableHasAChannelOfItsOwnNamedAsPostgresFoldsTheTableName() {
    assertThat(PostgresSignals.channel("billing.idem_records")).isNotEqualTo(PostgresSignals.channel("idem_records"));
    assertThat(PostgresSignals.channel("IDEM_Records")).isEqualTo(PostgresSignals.channel("idem_records"));
    String longest = "s".repeat(63) + "." + "t".repeat(51);
    assertThat(PostgresSignals.channel(longest)).hasSizeLessThanOrEqualTo(63).startsWith("idem_");
  }

  @Test
  void aTransactionalCompletionWakesTheWaiterWhenItCommits() throws Exception {
    IdempotencyKey key = IdempotencyKey.of("listener", "transactional");
    CountDownLatch working = new CountDownLatch(1);
    CountDownLatch commit = new CountDownLatch(1);
    try (Idempotency holder = Idempotency.create(store, waiting(Duration.ofMinutes(1), IdempotencyListener.NOOP));
        Idempotency signalled = Idempotency.create(store, waiting(Duration.ofMinutes(1), listener))) {
      CompletableFuture<Outcome<String>> work = CompletableFuture.supplyAsync(() -> TransactionalIdempotency
          .create(holder).execute(key, FP, connection -> {
            working.countDown();
            commit.await();
            return "paid in the transaction";
          }, ResultCodec.utf8()));
      assertThat(working.await(30, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Admission> waiter = signalled.beginAsync(key, FP).toCompletableFuture();
      Awaitility.await("waiting").pollDelay(Duration.ofMillis(200)).until(() -> !waiter.isDone());
      commit.countDown();
      assertThat(work.get(30, TimeUnit.SECONDS).orElseThrow()).isEqualTo("paid in the transaction");
      assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload())
          .isEqualTo(bytes("paid in the transaction"));
      assertThat(unavailable).doesNotContain(key);
    }
  }

  @Test
  void withoutNotificationsTheWatchIsRefusedAndCompletionsStillStore() {
    try (JdbcStore quiet = JdbcStore.builder(PostgresServer.sharedUrl()).tableName("idem_listener_quiet")
        .createIfMissing(true).notifyWaiters(false).poolSize(1).build()) {
      IdempotencyKey key = IdempotencyKey.of("listener", "quiet");
      LeaseToken token = LeaseToken.random();
      quiet.reserve(key, FP, token, Duration.ofMinutes(1));
      assertThatThrownBy(() -> quiet.watch(key)).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("notifyWaiters(false)");
      assertThat(quiet.complete(key, token, bytes("paid"), Duration.ofMinutes(1))).isTrue();
      assertThat(quiet.release(key, token)).isFalse();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
