package io.idem.jdbc;

import io.idem.testservers.PostgresServer;

class PostgresTransactionalCompletionTest extends TransactionalCompletionTest {
  @Override
  String jdbcUrl() {
    return PostgresServer.sharedUrl();
  }
}
