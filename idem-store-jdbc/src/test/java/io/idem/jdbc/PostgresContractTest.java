package io.idem.jdbc;

class PostgresContractTest extends JdbcStoreContractTest {
  @Override
  String jdbcUrl() {
    return PostgresServer.shared().jdbcUrl();
  }
}
