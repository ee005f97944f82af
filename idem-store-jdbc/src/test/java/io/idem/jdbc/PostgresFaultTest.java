package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.PostgresServer;
import java.time.Duration;
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
      LeaseToken after = LeaseToken.random();
      assertThat(store.reserve(IdempotencyKey.of("faults", "after"), Fingerprint.of("c"), after, Duration.ofMinutes(5)))
          .isEqualTo(new Reservation.Acquired(after));
      assertThat(store.find(before)).contains(new StoredRecord.Completed(Fingerprint.of("a"), new byte[] {7}));
    }
  }
}
