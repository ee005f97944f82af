package io.idem.jdbc;

class MariaDbTransactionalCompletionTest extends TransactionalCompletionTest {
  @Override
  String jdbcUrl() {
    return MariaDbServer.shared().jdbcUrl();
  }
}
