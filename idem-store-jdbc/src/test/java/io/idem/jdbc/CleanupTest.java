package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Expired rows are physically deleted in bounded batches; live rows stay. Each dialect, its own table. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CleanupTest {

  private HikariDataSource pool;
  private final String table = "idem_cleanup_" + UUID.randomUUID().toString().substring(0, 8);

  abstract String jdbcUrl();

  @BeforeAll
  void start() {
    pool = Pools.pool(jdbcUrl(), 2);
  }

  @AfterAll
  void stop() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
    pool.close();
  }

  @Test
  void deleteExpiredRemovesEveryExpiredRowInSmallBatchesAndKeepsLiveOnes() throws Exception {
    try (JdbcStore store = JdbcStore.builder(pool).tableName(table).createIfMissing(true)
        .cleanupInterval(Duration.ZERO).build()) {
      for (int i = 0; i < 5; i++) {
        store.reserve(IdempotencyKey.of("cleanup", "short-" + i), Fingerprint.EMPTY, LeaseToken.random(),
            Duration.ofMillis(1));
      }
      IdempotencyKey live = IdempotencyKey.of("cleanup", "live");
      store.reserve(live, Fingerprint.EMPTY, LeaseToken.random(), Duration.ofMinutes(5));
      Thread.sleep(50);

      assertThat(store.deleteExpired(2)).isEqualTo(5);
      assertThat(rows()).isEqualTo(1);
      assertThat(store.find(live)).isPresent();
      assertThat(store.deleteExpired(2)).isZero();
    }
  }

  private long rows() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }
}
