package io.idem.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.idem.spi.IdempotencyStore;
import io.idem.testkit.StoreOutageContract;
import io.idem.testservers.PostgresServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** A real PostgreSQL (synchronous commit) shut down and restarted while requests complete. */
class PostgresOutageTest extends StoreOutageContract {

  private static PostgresServer postgres;
  private HikariDataSource pool;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  @AfterEach
  void closePool() {
    pool.close();
  }

  @Override
  protected IdempotencyStore createStore() {
    pool = Pools.pool(postgres.url(), 16);
    return JdbcStore.builder(pool).createIfMissing(true).timeout(Duration.ofSeconds(1))
        .cleanupInterval(Duration.ZERO).build();
  }

  @Override
  protected Duration lease() {
    return Duration.ofSeconds(10); // a PostgreSQL restart takes a second or two
  }

  @Override
  protected void crash() {
    postgres.stop();
  }

  @Override
  protected void recover() {
    postgres.restart();
  }
}
