package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.PostgresServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PostgreSQL stopped under a live store, then started again: typed failures, then recovery. */
class PostgresFaultTest {

  private final PostgresServer server = PostgresServer.start();

  @AfterEach
  void stopServer() {
    server.close();
  }

  // A hang guard, not a measurement: the store's own timeout is 2 s.
  @Test
  @Timeout(60)
  void stoppedServerGivesStoreUnavailableAndRestartedServerWorksWithTheSameStore() {
    try (JdbcStore store = JdbcStore.builder(server.url())
        .timeout(Duration.ofSeconds(2)).createIfMissing(true).build()) {
      IdempotencyKey before = IdempotencyKey.of("faults", "before");
      LeaseToken token = LeaseToken.random();
      store.reserve(before, Fingerprint.of("a"), token, Duration.ofMinutes(5));
      assertThat(store.complete(before, token, new byte[] {7}, Duration.ofMinutes(5))).isTrue();

      server.stop();
      assertThatThrownBy(() -> store.reserve(IdempotencyKey.of("faults", "during"), Fingerprint.of("b"),
          LeaseToken.random(), Duration.ofMinutes(5)))
          .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
            assertThat(e.store()).isEqualTo("postgresql");
            assertThat(e.operation()).isEqualTo("reserve");
          });

      server.restart();
      // A pooled connection the outage broke, used less than HikariCP's half second before, is handed
      // out without validation: its call fails once (StoreUnavailableException) and the pool drops it.
      AtomicInteger attempt = new AtomicInteger();
      await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
          .untilAsserted(() -> {
            LeaseToken after = LeaseToken.random();
            assertThat(store.reserve(IdempotencyKey.of("faults", "after-" + attempt.incrementAndGet()),
                Fingerprint.of("c"), after, Duration.ofMinutes(5))).isEqualTo(new Reservation.Acquired(after));
          });
      assertThat(attempt.get()).as("calls until the pool had dropped the broken connections")
          .isLessThanOrEqualTo(2 * JdbcStore.DEFAULT_POOL_SIZE);
      assertThat(store.find(before)).contains(new StoredRecord.Completed(Fingerprint.of("a"), new byte[] {7}));
    }
  }
}
