package io.idem.jdbc;

class MariaDbContractTest extends JdbcStoreContractTest {
  @Override
  String jdbcUrl() {
    return MariaDbServer.shared().jdbcUrl();
  }
}
