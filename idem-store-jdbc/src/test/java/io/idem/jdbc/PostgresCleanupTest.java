package io.idem.jdbc;

class PostgresCleanupTest extends CleanupTest {
  @Override
  String jdbcUrl() {
    return PostgresServer.shared().jdbcUrl();
  }
}
