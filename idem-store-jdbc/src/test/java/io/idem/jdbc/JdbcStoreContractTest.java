package io.idem.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.idem.spi.IdempotencyStore;
import io.idem.testkit.AsyncStoreContract;
import io.idem.testkit.IdempotencyStoreContract;
import io.idem.testkit.LeaseExtensionContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract suite against a real database, one subclass per dialect. Races run 32 threads over
 * a pool of 16 connections, so that half the threads also wait for a connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoreContractTest extends IdempotencyStoreContract
    implements LeaseExtensionContract, AsyncStoreContract {

  static final int POOL_SIZE = 16;

  private HikariDataSource pool;
  private JdbcStore shared;

  abstract String jdbcUrl();

  @Override
  protected IdempotencyStore createStore() {
    if (shared == null) {
      pool = Pools.pool(jdbcUrl(), POOL_SIZE);
      shared = JdbcStore.builder(pool).createIfMissing(true).cleanupInterval(java.time.Duration.ZERO).build();
    }
    return shared;
  }

  @Override
  protected void closeStore(IdempotencyStore store) {
    // one store and pool for the whole class: keeps 200 race rounds cheap
  }

  /**
   * Longer than the contract's default: the lease is timed by the database from the statement's
   * start, and on a loaded two-core CI machine a round trip plus a pause has exceeded 600 ms.
   */
  @Override
  public java.time.Duration shortLease() {
    return java.time.Duration.ofMillis(1_200);
  }

  @Override
  public int raceThreads() {
    return 2 * POOL_SIZE;
  }

  @AfterAll
  void closePool() {
    if (shared != null) {
      shared.close();
      pool.close();
    }
  }
}
