package io.idem.jdbc;

import io.idem.testservers.MariaDbServer;

class MariaDbTransactionalCompletionTest extends TransactionalCompletionTest {
  @Override
  String jdbcUrl() {
    return MariaDbServer.sharedUrl();
  }
}
