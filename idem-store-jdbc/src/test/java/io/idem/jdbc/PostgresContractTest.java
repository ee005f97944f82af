package io.idem.jdbc;

import io.idem.testkit.SignallingStoreContract;
import io.idem.testservers.PostgresServer;

/** The contract, and duplicates woken by {@code pg_notify} through the listener on the caller's pool. */
class PostgresContractTest extends JdbcStoreContractTest implements SignallingStoreContract {
  @Override
  String jdbcUrl() {
    return PostgresServer.sharedUrl();
  }

  /** A completion's notification carries results that fit under PostgreSQL's payload limit with the key. */
  @Override
  public int largestResultASignalCarries() {
    return 5_000;
  }
}
