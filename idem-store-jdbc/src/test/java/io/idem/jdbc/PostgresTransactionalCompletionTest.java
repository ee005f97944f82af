package io.idem.jdbc;

class PostgresTransactionalCompletionTest extends TransactionalCompletionTest {
  @Override
  String jdbcUrl() {
    return PostgresServer.shared().jdbcUrl();
  }
}
