package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.LeaseToken;
import io.idem.spi.KeyWatch;
import io.idem.spi.StoredRecord;
import io.idem.testkit.CountingReserves;
import io.idem.testservers.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * A completion's notification carries the completed record (decision 0210): up to PostgreSQL's
 * payload limit, with the longest keys, without the completion failing; a notification that any role
 * may send cannot answer a waiter with a record of another request; and a completion through the same
 * store wakes its waiters in this process at once, with the whole record, once it is committed.
 */
class PostgresCarriedRecordTest {

  private static final Fingerprint FP = Fingerprint.of("pay");
  private static final int ENVELOPE_HEADER = 4;

  private static JdbcStore store;
  /** Another client of the same table, as another process would be: its completions reach {@code store}'s waiters only by notification. */
  private static JdbcStore elsewhere;
  private final CountingReserves reserves = new CountingReserves();

  @BeforeAll
  static void open() {
    store = JdbcStore.builder(PostgresServer.sharedUrl()).tableName("idem_carried_record").createIfMissing(true)
        .poolSize(4).build();
    elsewhere = JdbcStore.builder(PostgresServer.sharedUrl()).tableName("idem_carried_record").poolSize(2).build();
  }

  @AfterAll
  static void close() {
    store.close();
    elsewhere.close();
  }

  /** Waiting on, polling once a minute: an answer within the test can only come from a notification. */
  private static IdempotencyConfig waiting(IdempotencyListener listener) {
    return IdempotencyConfig.custom().waitForInProgress(Duration.ofSeconds(40))
        .inProgressPollInterval(Duration.ofMinutes(1)).listener(listener).build();
  }

  private void awaitReads(int count) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
        .until(() -> reserves.count() >= count);
  }

  @Test
  void theLargestResultThatFitsBesideTheLongestKeyIsCarriedAndOneByteMoreIsRead() throws Exception {
    String tenant = "€".repeat(IdempotencyKey.MAX_TENANT_LENGTH); // 3 bytes each in UTF-8
    String namespace = "n" + UUID.randomUUID().toString().replace("-", "");
    for (int extra = 0; extra <= 1; extra++) {
      IdempotencyKey key = IdempotencyKey.of(namespace, tenant, "k".repeat(250) + extra);
      int fits = largestCarried(PostgresSignals.payload(key));
      // The engine stores the work's bytes behind a 4-byte envelope header; Base64 grows by 4 per 3 bytes.
      byte[] result = new byte[fits - ENVELOPE_HEADER + extra * 3];
      new java.util.Random(extra).nextBytes(result);
      reserves.reset();
      try (Idempotency first = Idempotency.create(elsewhere, waiting(IdempotencyListener.NOOP));
          Idempotency second = Idempotency.create(store, waiting(reserves))) {
        Attempt attempt = ((Admission.Proceed) first.begin(key, FP)).attempt();
        CompletableFuture<Admission> waiter = second.beginAsync(key, FP).toCompletableFuture();
        awaitReads(2);
        attempt.complete(result);
        Admission answer = waiter.get(30, TimeUnit.SECONDS);
        assertThat(((Admission.Replay) answer).payload()).isEqualTo(result);
        assertThat(reserves.count()).as("reads, " + result.length + " bytes of result").isEqualTo(extra == 0 ? 2 : 3);
      }
    }
  }

  /**
   * Repeated: the key-only notification of this completion reaches the listener about when the
   * statement's answer reaches the completing thread; without the store leaving it to the wake here,
   * about every other repetition read the row.
   */
  @RepeatedTest(20)
  void aCompletionThroughTheSameStoreWakesItsWaitersHereWithTheWholeRecord() throws Exception {
    IdempotencyKey key = IdempotencyKey.of("carried-" + UUID.randomUUID(), "k");
    // Far past what a notification can carry: only the wake in this process can hand it over.
    byte[] result = new byte[50_000];
    new java.util.Random(7).nextBytes(result);
    try (Idempotency first = Idempotency.create(store, waiting(IdempotencyListener.NOOP));
        Idempotency second = Idempotency.create(store, waiting(reserves))) {
      Attempt attempt = ((Admission.Proceed) first.begin(key, FP)).attempt();
      CompletableFuture<Admission> waiter = second.beginAsync(key, FP).toCompletableFuture();
      awaitReads(2);
      attempt.complete(result);
      assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload()).isEqualTo(result);
      assertThat(reserves.count()).as("reads: none after the wake, which carried the record").isEqualTo(2);
    }
  }

  @Test
  void aStatementOnItsOwnWakesAtOnceAndOneInATransactionOnlyOnceCommitted() throws Exception {
    IdempotencyKey key = IdempotencyKey.of("carried-" + UUID.randomUUID(), "k");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, FP, token, Duration.ofMinutes(1));
    try (KeyWatch watch = store.watch(key)) {
      assertThat(store.complete(key, token, "paid".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(1))).isTrue();
      // Woken within the call: a notification would come later, on the listener's thread.
      assertThat(watch.signalled().toCompletableFuture().getNow(Optional.empty()))
          .contains(new StoredRecord.Completed(FP, "paid".getBytes(StandardCharsets.UTF_8)));
    }

    IdempotencyKey inTransaction = IdempotencyKey.of("carried-" + UUID.randomUUID(), "k");
    LeaseToken held = LeaseToken.random();
    store.reserve(inTransaction, FP, held, Duration.ofMinutes(1));
    try (KeyWatch watch = store.watch(inTransaction); Connection transaction = store.dataSource().getConnection()) {
      transaction.setAutoCommit(false);
      assertThat(store.completeOn(transaction, inTransaction, held, "paid".getBytes(StandardCharsets.UTF_8),
          Duration.ofMinutes(1))).isTrue();
      // Not committed: nothing may wake on a row that could still roll back.
      assertThat(watch.signalled().toCompletableFuture()).isNotDone();
      transaction.commit();
      transaction.setAutoCommit(true);
      assertThat(watch.signalled().toCompletableFuture().get(30, TimeUnit.SECONDS)).isPresent();
    }
  }

  /** The longest result {@link PostgresSignals#carriedResult} carries beside {@code keyPayload}, from its answers. */
  private static int largestCarried(String keyPayload) {
    int low = 0;
    int high = 8_000;
    while (low < high) {
      int middle = (low + high + 1) / 2;
      if (PostgresSignals.carriedResult(keyPayload, new byte[middle]) != null) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    assertThat(low).as("an envelope and a small body fit beside the longest key").isGreaterThan(4_000);
    return low;
  }

  @Test
  void aNotificationCarryingAnotherRequestsRecordIsNotTakenAsTheAnswer() throws Exception {
    IdempotencyKey key = IdempotencyKey.of("carried-" + UUID.randomUUID(), "k");
    try (Idempotency first = Idempotency.create(store, waiting(IdempotencyListener.NOOP));
        Idempotency second = Idempotency.create(store, waiting(reserves))) {
      Attempt attempt = ((Admission.Proceed) first.begin(key, FP)).attempt();
      CompletableFuture<Admission> waiter = second.beginAsync(key, FP).toCompletableFuture();
      awaitReads(2);
      // Any role that can connect may NOTIFY: one that does not know the request's fingerprint.
      String forged = PostgresSignals.payload(key) + "\n" + HexFormat.of().formatHex(Fingerprint.of("forged").bytes())
          + "\n" + Base64.getEncoder().encodeToString("forged".getBytes(StandardCharsets.UTF_8));
      try (Connection other = DriverManager.getConnection(PostgresServer.sharedUrl());
          PreparedStatement notify = other.prepareStatement("SELECT pg_notify(?, ?)")) {
        notify.setString(1, PostgresSignals.channel(store.table()));
        notify.setString(2, forged);
        notify.execute();
      }
      awaitReads(3); // woken, it read the row instead, found the key in progress and waits again
      assertThat(waiter).isNotDone();
      attempt.complete("paid".getBytes(StandardCharsets.UTF_8));
      assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload())
          .isEqualTo("paid".getBytes(StandardCharsets.UTF_8));
    }
  }
}
