package io.idem.jdbc;

import io.idem.spi.IdempotencyStore;
import io.idem.testkit.SignallingStoreContract;
import io.idem.testservers.PostgresServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;

/** The contract, and duplicates woken by {@code pg_notify} through the listener on the caller's pool. */
class PostgresContractTest extends JdbcStoreContractTest implements SignallingStoreContract {

  /** Another client of the same table, as another instance of a service would be. */
  private JdbcStore originals;

  @Override
  String jdbcUrl() {
    return PostgresServer.sharedUrl();
  }

  /** A completion's notification carries results that fit under PostgreSQL's payload limit with the key. */
  @Override
  public int largestResultASignalCarries() {
    return 5_000;
  }

  /** The store wakes its own instance's waiters in-process: the originals complete through another client. */
  @Override
  public IdempotencyStore originalsStore() {
    if (originals == null) {
      originals = JdbcStore.builder(jdbcUrl()).poolSize(4).cleanupInterval(Duration.ZERO).build();
    }
    return originals;
  }

  @AfterAll
  void closeOriginals() {
    if (originals != null) {
      originals.close();
    }
  }
}
