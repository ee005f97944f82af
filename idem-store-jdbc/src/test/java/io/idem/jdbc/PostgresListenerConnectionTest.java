package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.testkit.CountingReserves;
import io.idem.testservers.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * How the PostgreSQL listener connects (decision 0210, addendum 2): through its own sockets, outside
 * the store's pool and outside a caller's HikariCP pool, and a waiter in one process wakes on a
 * completion in another while the table's channel streams other keys' notifications. That those
 * sockets hand each notification over without waiting for the stream to pause is shown byte by byte
 * in {@link ListenerSocketsTest}: a stream from real senders always has some millisecond-long pauses,
 * so this test shows the wake works amid one, not how soon.
 */
class PostgresListenerConnectionTest {

  private static final Fingerprint FP = Fingerprint.of("pay");
  private static final String TABLE = "idem_notification_stream";
  /** How long the stream of other notifications runs at most: far past any wake through it. */
  private static final long STREAM_CAP_NANOS = TimeUnit.SECONDS.toNanos(20);

  /** An original begun through {@code originals}, and its duplicate waiting through {@code duplicates}. */
  private record Waiting(Attempt attempt, CompletableFuture<Admission> waiter) {

    /** Completes the original and checks that the waiter is answered with its result. */
    void completeAndExpectReplay() throws Exception {
      attempt.complete("paid".getBytes(StandardCharsets.UTF_8));
      assertThat(((Admission.Replay) waiter.get(60, TimeUnit.SECONDS)).payload())
          .isEqualTo("paid".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Waits on, polling once a minute: an answer within the test can only come from a notification. */
  private static IdempotencyConfig waiting(IdempotencyListener listener) {
    return IdempotencyConfig.custom().waitForInProgress(Duration.ofSeconds(60))
        .inProgressPollInterval(Duration.ofMinutes(1)).listener(listener).build();
  }

  /** Another client of the table, as another process would be. */
  private static JdbcStore elsewhere() {
    return JdbcStore.builder(PostgresServer.sharedUrl()).tableName(TABLE).poolSize(2).build();
  }

  /** Begins an original and its duplicate, returning once the duplicate waits (its two reads counted). */
  private static Waiting startWaiting(Idempotency originals, Idempotency duplicates, CountingReserves reserves,
      String namespace) {
    IdempotencyKey key = IdempotencyKey.of(namespace + "-" + UUID.randomUUID(), "k");
    Attempt attempt = ((Admission.Proceed) originals.begin(key, FP)).attempt();
    CompletableFuture<Admission> waiter = duplicates.beginAsync(key, FP).toCompletableFuture();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reserves.count() >= 2);
    return new Waiting(attempt, waiter);
  }

  @Test
  void aWaiterWakesWhileOtherKeysNotificationsKeepStreaming() throws Exception {
    CountingReserves reserves = new CountingReserves();
    try (JdbcStore here = JdbcStore.builder(PostgresServer.sharedUrl()).tableName(TABLE).createIfMissing(true)
            .poolSize(2).build();
        JdbcStore elsewhere = elsewhere();
        Idempotency originals = Idempotency.create(elsewhere);
        Idempotency duplicates = Idempotency.create(here, waiting(reserves))) {
      long socketsBefore = ListenerSockets.opened();
      Waiting waiting = startWaiting(originals, duplicates, reserves, "stream");
      CompletableFuture<Admission> waiter = waiting.waiter();
      assertThat(ListenerSockets.opened()).as("the listener connected through its own sockets").isGreaterThan(socketsBefore);

      // Two senders, twenty notifications a transaction, of keys nobody waits on: no millisecond of silence.
      long streamEnds = System.nanoTime() + STREAM_CAP_NANOS;
      List<CompletableFuture<Long>> streams = new ArrayList<>();
      for (int sender = 0; sender < 2; sender++) {
        streams.add(CompletableFuture.supplyAsync(() -> stream(waiter, streamEnds)));
      }
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> streams.stream().allMatch(s -> !s.isDone()));
      Thread.sleep(200); // the stream is under way
      waiting.completeAndExpectReplay();
      long sent = 0;
      for (CompletableFuture<Long> stream : streams) {
        sent += stream.get(60, TimeUnit.SECONDS);
      }
      assertThat(sent).as("notifications streamed").isPositive();
      assertThat(System.nanoTime()).as("the waiter was answered while the stream still ran").isLessThan(streamEnds);
    }
  }

  @Test
  void onACallersHikariPoolTheListenerHoldsNoneOfItsConnections() throws Exception {
    CountingReserves reserves = new CountingReserves();
    try (HikariDataSource pool = Pools.pool(PostgresServer.sharedUrl(), 2);
        JdbcStore here = JdbcStore.builder(pool).tableName(TABLE).createIfMissing(true).build();
        JdbcStore elsewhere = elsewhere();
        Idempotency originals = Idempotency.create(elsewhere);
        Idempotency duplicates = Idempotency.create(here, waiting(reserves))) {
      long socketsBefore = ListenerSockets.opened();
      Waiting waiting = startWaiting(originals, duplicates, reserves, "pool");

      assertThat(ListenerSockets.opened()).as("the listener connected through its own sockets").isGreaterThan(socketsBefore);
      assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("pool connections held while a duplicate waits")
          .isZero();
      waiting.completeAndExpectReplay();
    }
  }

  @Test
  void whenOnlyTheCallersPoolCanConnectTheListenerListensOnOneOfItsConnections() throws Exception {
    // Settings the pool connected with but the listener cannot copy (a credentials provider, say): after
    // the pool has its connections, its driver properties ask for TLS, which the test server lacks.
    AtomicBoolean unusable = new AtomicBoolean();
    HikariDataSource pool = new HikariDataSource(Pools.config(PostgresServer.sharedUrl(), 2)) {
      @Override
      public Properties getDataSourceProperties() {
        Properties properties = super.getDataSourceProperties();
        if (unusable.get()) {
          properties = (Properties) properties.clone();
          properties.setProperty("sslmode", "require");
        }
        return properties;
      }
    };
    CountingReserves reserves = new CountingReserves();
    List<Throwable> signalsLost = new java.util.concurrent.CopyOnWriteArrayList<>();
    IdempotencyListener counting = new IdempotencyListener() {
      @Override
      public void onStoreCall(StoreOperation operation, long nanos, boolean failed) {
        reserves.onStoreCall(operation, nanos, failed);
      }

      @Override
      public void onSignalsUnavailable(IdempotencyKey key, Throwable cause) {
        signalsLost.add(cause);
      }
    };
    try (pool;
        JdbcStore here = JdbcStore.builder(pool).tableName(TABLE).createIfMissing(true).build();
        JdbcStore elsewhere = elsewhere();
        Idempotency originals = Idempotency.create(elsewhere);
        Idempotency duplicates = Idempotency.create(here, waiting(counting))) {
      unusable.set(true);
      Waiting waiting = startWaiting(originals, duplicates, reserves, "fallback");

      assertThat(signalsLost).as("the signal channel stayed up").isEmpty();
      assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("the listener's connection, from the pool")
          .isEqualTo(1);
      waiting.completeAndExpectReplay();
    }
  }

  /** Sends notifications of other keys on the table's channel until {@code waiter} is answered or the cap passes. */
  private static long stream(CompletableFuture<Admission> waiter, long endsAt) {
    try (Connection connection = DriverManager.getConnection(PostgresServer.sharedUrl());
        PreparedStatement notify = connection.prepareStatement(
            "SELECT pg_notify(?, 'other-' || g) FROM generate_series(1, 20) g")) {
      notify.setString(1, PostgresSignals.channel(TABLE));
      long sent = 0;
      while (!waiter.isDone() && System.nanoTime() < endsAt) {
        notify.execute();
        sent += 20;
      }
      return sent;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
