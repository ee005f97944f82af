package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Expired rows are physically deleted in bounded batches; live rows stay. Each dialect, its own
 * table. The server itself reports how many rows each DELETE removed (a trigger logs them), so a
 * cleanup statement that ignored its batch size would show up as one large delete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CleanupTest {

  private static final int BATCH = 2;
  private static final int EXPIRED = 7;

  private HikariDataSource pool;
  private final String table = "idem_cleanup_" + UUID.randomUUID().toString().substring(0, 8);

  abstract String jdbcUrl();

  /** Statements that make the server log every DELETE on {@code table} into {@code log}. */
  abstract List<String> logDeletes(String table, String log);

  /** A query for the rows each logged DELETE removed, one row per statement that removed any, in order. */
  abstract String rowsPerDelete(String log);

  /** Statements that remove what {@link #logDeletes} created, once {@code table} is dropped. */
  abstract List<String> dropDeleteLog(String table, String log);

  @BeforeAll
  void start() {
    pool = Pools.pool(jdbcUrl(), 2);
  }

  @AfterAll
  void stop() throws SQLException {
    execute(List.of("DROP TABLE IF EXISTS " + table));
    execute(dropDeleteLog(table, log()));
    pool.close();
  }

  @Test
  void deleteExpiredRemovesEveryExpiredRowInBatchesOfAtMostTheBatchSizeAndKeepsLiveOnes() throws Exception {
    try (JdbcStore store = JdbcStore.builder(pool).tableName(table).createIfMissing(true)
        .cleanupInterval(Duration.ZERO).build()) {
      execute(logDeletes(table, log()));
      IdempotencyKey lastExpired = null;
      for (int i = 0; i < EXPIRED; i++) {
        lastExpired = IdempotencyKey.of("cleanup", "short-" + i);
        store.reserve(lastExpired, Fingerprint.EMPTY, LeaseToken.random(), Duration.ofMillis(1));
      }
      IdempotencyKey live = IdempotencyKey.of("cleanup", "live");
      store.reserve(live, Fingerprint.EMPTY, LeaseToken.random(), Duration.ofMinutes(5));
      IdempotencyKey last = lastExpired;
      // Leases run on the server's clock: the last one reserved expires last.
      await().atMost(Duration.ofSeconds(10)).until(() -> store.find(last).isEmpty());

      assertThat(store.deleteExpired(BATCH)).isEqualTo(EXPIRED);
      assertThat(rowsPerDelete()).as("rows each cleanup statement deleted").containsExactly(2, 2, 2, 1);
      assertThat(rows()).isEqualTo(1);
      assertThat(store.find(live)).isPresent();
      assertThat(store.deleteExpired(BATCH)).isZero();
    }
  }

  private String log() {
    return table + "_deletes";
  }

  private List<Integer> rowsPerDelete() throws SQLException {
    List<Integer> counts = new ArrayList<>();
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(rowsPerDelete(log()))) {
      while (r.next()) {
        counts.add(r.getInt(1));
      }
    }
    return counts;
  }

  private long rows() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  private void execute(List<String> statements) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }
}
