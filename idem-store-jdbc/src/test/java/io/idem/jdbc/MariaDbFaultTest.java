package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.Reservation;
import io.idem.testservers.MariaDbServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MariaDB frozen (nothing answers) or killed under a live store and pool: typed failures, then
 * recovery without a new store. Timeouts are hang guards, not measurements.
 */
class MariaDbFaultTest {

  private MariaDbServer server;
  private HikariDataSource pool;
  private JdbcStore store;

  @BeforeEach
  void start() {
    server = MariaDbServer.start();
    pool = Pools.pool(server.url(), 4);
    store = JdbcStore.builder(pool).timeout(Duration.ofSeconds(2)).createIfMissing(true).build();
  }

  @AfterEach
  void stop() {
    store.close();
    pool.close();
    server.close();
  }

  @Test
  @Timeout(60)
  void frozenServerGivesStoreUnavailableAndThawedServerWorks() {
    LeaseToken held = LeaseToken.random();
    IdempotencyKey key = IdempotencyKey.of("faults", "frozen");
    assertThat(store.reserve(key, Fingerprint.of("a"), held, Duration.ofMinutes(5)))
        .isEqualTo(new Reservation.Acquired(held));

    server.freeze();
    try {
      // A read: a write sent to a frozen server may still be applied once it thaws.
      assertThatThrownBy(() -> store.find(key))
          .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
            assertThat(e.store()).isEqualTo("mysql");
            assertThat(e.operation()).isEqualTo("find");
          });
    } finally {
      server.thaw();
    }
    assertThat(store.complete(key, held, new byte[] {1}, Duration.ofMinutes(5))).isTrue();
  }

  @Test
  @Timeout(90)
  void killedServerGivesStoreUnavailableAndRestartedServerWorks() {
    server.kill();
    assertThatThrownBy(() -> store.find(IdempotencyKey.of("faults", "down")))
        .isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.operation()).isEqualTo("find"));

    server.restart();
    LeaseToken token = LeaseToken.random();
    assertThat(store.reserve(IdempotencyKey.of("faults", "up"), Fingerprint.of("a"), token, Duration.ofMinutes(5)))
        .isEqualTo(new Reservation.Acquired(token));
  }
}
