package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A store built from a URL pools its connections (decision 0205), seen from the server: many calls
 * run on the same few server sessions, {@code close()} ends them, and a data source the caller passed
 * in is never closed. Each dialect, its own table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OwnedPoolTest {

  private static final int POOL_SIZE = 3;
  private static final int THREADS = 6;
  private static final int ROUNDS_PER_THREAD = 40;

  private final String table = "idem_pool_" + UUID.randomUUID().toString().substring(0, 8);
  private HikariDataSource admin;

  abstract String jdbcUrl();

  /** The server's id of the session the query runs on. */
  abstract String sessionIdQuery();

  /** Counts the server's live sessions among {@code ids} (a comma-separated list of numbers). */
  abstract String liveSessionsQuery(String ids);

  @BeforeAll
  void start() {
    admin = Pools.pool(jdbcUrl(), 1);
  }

  @AfterAll
  void stop() throws SQLException {
    try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
    admin.close();
  }

  @Test
  void manyCallsRunOnTheSameFewServerSessions() throws Exception {
    try (JdbcStore store = JdbcStore.builder(jdbcUrl()).tableName(table).createIfMissing(true)
        .poolSize(POOL_SIZE).cleanupInterval(Duration.ZERO).build()) {
      Set<Long> sessions = ConcurrentHashMap.newKeySet();
      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          done.add(threads.submit(() -> {
            for (int round = 0; round < ROUNDS_PER_THREAD; round++) {
              reserveAndComplete(store, "reuse-" + thread + "-" + round);
              sessions.add(sessionOf(store.dataSource()));
            }
            return null;
          }));
        }
        for (Future<?> future : done) {
          future.get();
        }
      } finally {
        threads.shutdown();
      }

      // 720 store calls and 240 borrows; one connection each would be hundreds of sessions.
      assertThat(sessions).hasSizeLessThanOrEqualTo(POOL_SIZE);
      // And the server keeps them open between calls.
      assertThat(liveSessions(sessions)).isEqualTo(sessions.size());
    }
  }

  @Test
  void asynchronousCallsRunOnNoMoreThreadsThanThePoolHasConnections() throws Exception {
    // More callers than connections made HikariCP spin handing connections over; calls queue instead.
    try (JdbcStore store = JdbcStore.builder(jdbcUrl()).tableName(table).createIfMissing(true)
        .poolSize(2).cleanupInterval(Duration.ZERO).build()) {
      Set<String> callThreads = ConcurrentHashMap.newKeySet();
      List<java.util.concurrent.CompletableFuture<Reservation>> calls = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        IdempotencyKey key = IdempotencyKey.of(table, "async-" + UUID.randomUUID());
        calls.add(store.reserveAsync(key, Fingerprint.EMPTY, LeaseToken.random(), Duration.ofMinutes(1))
            .thenApply(reservation -> {
              callThreads.add(Thread.currentThread().getName());
              return reservation;
            }).toCompletableFuture());
      }
      for (var call : calls) {
        assertThat(call.get(60, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(Reservation.Acquired.class);
      }
      Set<String> storeThreads = callThreads.stream().filter(name -> name.startsWith("idem-jdbc-"))
          .collect(Collectors.toSet());
      assertThat(storeThreads).isNotEmpty().hasSizeLessThanOrEqualTo(2);
    }
  }

  @Test
  void closeEndsTheServerSessionsOfThePoolTheStoreOpened() throws Exception {
    Set<Long> sessions = ConcurrentHashMap.newKeySet();
    JdbcStore store = JdbcStore.builder(jdbcUrl()).tableName(table).createIfMissing(true)
        .poolSize(POOL_SIZE).cleanupInterval(Duration.ZERO).build();
    DataSource pool = store.dataSource();
    reserveAndComplete(store, "close-" + UUID.randomUUID());
    sessions.add(sessionOf(pool));
    assertThat(liveSessions(sessions)).isOne();

    store.close();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(liveSessions(sessions)).isZero());
    assertThatThrownBy(pool::getConnection).isInstanceOf(SQLException.class);
  }

  @Test
  void closeNeverClosesADataSourceTheCallerPassedIn() throws Exception {
    try (HikariDataSource callers = Pools.pool(jdbcUrl(), 2)) {
      JdbcStore store = JdbcStore.builder(callers).tableName(table).createIfMissing(true)
          .cleanupInterval(Duration.ZERO).build();
      reserveAndComplete(store, "callers-" + UUID.randomUUID());
      long session = sessionOf(callers);

      store.close();

      assertThat(callers.isClosed()).isFalse();
      assertThat(sessionOf(callers)).isEqualTo(session);
      assertThat(liveSessions(Set.of(session))).isOne();
    }
  }

  @Test
  void fromUrlTakesEveryDefaultOnAPoolOfItsOwn() {
    try (JdbcStore creator = JdbcStore.builder(jdbcUrl()).createIfMissing(true).cleanupInterval(Duration.ZERO).build()) {
      assertThat(creator.table()).isEqualTo(JdbcStore.DEFAULT_TABLE);
    }
    try (JdbcStore store = JdbcStore.fromUrl(jdbcUrl())) {
      reserveAndComplete(store, "from-url-" + UUID.randomUUID());
      assertThat(store.dataSource()).isInstanceOfSatisfying(HikariDataSource.class, pool -> {
        assertThat(pool.getMaximumPoolSize()).isEqualTo(JdbcStore.DEFAULT_POOL_SIZE);
        assertThat(pool.getConnectionTimeout()).isEqualTo(JdbcStore.DEFAULT_TIMEOUT.toMillis());
      });
    }
  }

  private static void reserveAndComplete(JdbcStore store, String key) {
    IdempotencyKey id = IdempotencyKey.of("pool", key);
    LeaseToken token = LeaseToken.random();
    assertThat(store.reserve(id, Fingerprint.of(key), token, Duration.ofMinutes(1)))
        .isEqualTo(new Reservation.Acquired(token));
    assertThat(store.complete(id, token, new byte[] {1}, Duration.ofMinutes(1))).isTrue();
    assertThat(store.find(id)).isPresent();
  }

  private long sessionOf(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sessionIdQuery())) {
      r.next();
      return r.getLong(1);
    }
  }

  private long liveSessions(Set<Long> ids) throws SQLException {
    String list = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    try (Connection c = admin.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(liveSessionsQuery(list))) {
      r.next();
      return r.getLong(1);
    }
  }
}
