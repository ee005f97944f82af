package io.idem.jdbc;

import io.idem.testservers.MariaDbServer;

class MariaDbContractTest extends JdbcStoreContractTest {
  @Override
  String jdbcUrl() {
    return MariaDbServer.sharedUrl();
  }
}
