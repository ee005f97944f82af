package io.idem.jdbc;

class MariaDbCleanupTest extends CleanupTest {
  @Override
  String jdbcUrl() {
    return MariaDbServer.shared().jdbcUrl();
  }
}
