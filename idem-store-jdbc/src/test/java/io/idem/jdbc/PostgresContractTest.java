package io.idem.jdbc;

import io.idem.testservers.PostgresServer;

class PostgresContractTest extends JdbcStoreContractTest {
  @Override
  String jdbcUrl() {
    return PostgresServer.sharedUrl();
  }
}
