package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.idem.Completion;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.LeaseLostException;
import io.idem.LeaseToken;
import io.idem.Outcome;
import io.idem.ResultCodec;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The work's own writes and its record commit or roll back together, on a real database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TransactionalCompletionTest {

  private HikariDataSource pool;
  private JdbcStore store;
  private Idempotency engine;
  private TransactionalIdempotency transactional;
  private final String namespace = "tx-" + UUID.randomUUID();
  private final AtomicInteger runs = new AtomicInteger();

  abstract String jdbcUrl();

  @BeforeAll
  void start() throws SQLException {
    pool = Pools.pool(jdbcUrl(), 4);
    store = JdbcStore.builder(pool).createIfMissing(true).cleanupInterval(Duration.ZERO).build();
    engine = Idempotency.create(store, IdempotencyConfig.custom().heartbeat(IdempotencyConfig.HeartbeatMode.OFF).build());
    transactional = TransactionalIdempotency.create(engine);
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS idem_test_payments (id VARCHAR(100) PRIMARY KEY, amount INT NOT NULL)");
    }
  }

  @AfterAll
  void stop() {
    engine.close();
    store.close();
    pool.close();
  }

  @Test
  void commitMakesTheWorksWriteAndTheRecordVisibleTogether() throws SQLException {
    IdempotencyKey key = IdempotencyKey.of(namespace, "commit");
    Outcome<String> first = transactional.execute(key, Fingerprint.of("pay 10"), c -> pay(c, "commit", 10),
        ResultCodec.utf8());
    assertThat(first).isEqualTo(new Outcome.Executed<>("paid commit", Completion.STORED));
    assertThat(amount("commit")).isEqualTo(10);
    assertThat(store.find(key)).get().isInstanceOf(StoredRecord.Completed.class);

    Outcome<String> retry = transactional.execute(key, Fingerprint.of("pay 10"), c -> pay(c, "commit", 10),
        ResultCodec.utf8());
    assertThat(retry).isEqualTo(new Outcome.Replayed<>("paid commit"));
    assertThat(runs).hasValue(1);
  }

  @Test
  void exceptionAfterTheWorksWriteRollsBackTheWriteAndReleasesTheKey() throws SQLException {
    IdempotencyKey key = IdempotencyKey.of(namespace, "crash");
    assertThatThrownBy(() -> transactional.execute(key, Fingerprint.of("pay 20"), c -> {
      pay(c, "crash", 20);
      throw new IllegalStateException("crashed after the write");
    }, ResultCodec.utf8())).isInstanceOf(IllegalStateException.class).hasMessage("crashed after the write");
    assertThat(amount("crash")).as("the payment row").isNull();
    assertThat(store.find(key)).as("the record").isEmpty();

    Outcome<String> retry = transactional.execute(key, Fingerprint.of("pay 20"), c -> pay(c, "crash", 20),
        ResultCodec.utf8());
    assertThat(retry.executed()).isTrue();
    assertThat(amount("crash")).isEqualTo(20);
  }

  @Test
  void lostLeaseRollsBackTheWorkAndLeavesTheNewHolderInCharge() throws SQLException {
    IdempotencyKey key = IdempotencyKey.of(namespace, "lost");
    LeaseToken newHolder = LeaseToken.random();
    assertThatThrownBy(() -> transactional.execute(key, Fingerprint.of("pay 30"), c -> {
      String result = pay(c, "lost", 30);
      // What an expired lease looks like to the slow attempt: another attempt now holds the key.
      store.delete(key);
      assertThat(store.reserve(key, Fingerprint.of("pay 30"), newHolder, Duration.ofMinutes(1)))
          .isEqualTo(new Reservation.Acquired(newHolder));
      return result;
    }, ResultCodec.utf8())).isInstanceOf(LeaseLostException.class);
    assertThat(amount("lost")).as("the payment row").isNull();
    assertThat(store.complete(key, newHolder, new byte[] {1}, Duration.ofMinutes(1))).isTrue();
  }

  @Test
  void concurrentFailuresOnAPoolOfTwoNeverWaitForASecondConnection() throws Exception {
    // Regression: a failed attempt used to release its key while still holding its transaction's
    // connection, so N failures on a pool of N waited out the pool timeout and left their keys held.
    try (HikariDataSource two = Pools.pool(jdbcUrl(), 2);
        JdbcStore small = JdbcStore.builder(two).cleanupInterval(Duration.ZERO).build();
        Idempotency smallEngine = Idempotency.create(small, IdempotencyConfig.custom()
            .heartbeat(IdempotencyConfig.HeartbeatMode.OFF).build())) {
      TransactionalIdempotency onTwo = TransactionalIdempotency.create(smallEngine);
      CyclicBarrier bothInside = new CyclicBarrier(2);
      ExecutorService callers = Executors.newFixedThreadPool(8);
      try {
        List<Future<Throwable>> failures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          IdempotencyKey key = IdempotencyKey.of(namespace, "pool-" + i);
          int n = i;
          failures.add(callers.submit(() -> {
            try {
              onTwo.execute(key, Fingerprint.of("pay " + n), c -> {
                pay(c, "pool-" + n, n);
                bothInside.await(10, TimeUnit.SECONDS); // both connections are held now
                throw new IllegalStateException("declined " + n);
              }, ResultCodec.utf8());
              return null;
            } catch (RuntimeException e) {
              return e;
            }
          }));
        }
        for (Future<Throwable> failure : failures) {
          Throwable thrown = failure.get(60, TimeUnit.SECONDS);
          assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("declined");
          assertThat(thrown.getSuppressed()).as("no store failure while settling").isEmpty();
        }
      } finally {
        callers.shutdownNow();
      }
      for (int i = 0; i < 8; i++) {
        assertThat(small.find(IdempotencyKey.of(namespace, "pool-" + i))).as("key %d released", i).isEmpty();
        assertThat(amount("pool-" + i)).as("payment %d rolled back", i).isNull();
      }
    }
  }

  @Test
  void engineOverAnotherStoreIsRejected() {
    Idempotency other = Idempotency.create(io.idem.spi.NoOpStore.INSTANCE);
    assertThatThrownBy(() -> TransactionalIdempotency.create(other))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a JdbcStore");
  }

  private String pay(Connection connection, String id, int amount) throws SQLException {
    runs.incrementAndGet();
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO idem_test_payments (id, amount) VALUES (?, ?)")) {
      insert.setString(1, namespace + id);
      insert.setInt(2, amount);
      insert.executeUpdate();
    }
    return "paid " + id;
  }

  private Integer amount(String id) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement select = c.prepareStatement("SELECT amount FROM idem_test_payments WHERE id = ?")) {
      select.setString(1, namespace + id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getInt(1) : null;
      }
    }
  }
}
