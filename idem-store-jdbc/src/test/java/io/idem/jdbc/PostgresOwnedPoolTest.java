package io.idem.jdbc;

import io.idem.testservers.PostgresServer;

class PostgresOwnedPoolTest extends OwnedPoolTest {
  @Override
  String jdbcUrl() {
    return PostgresServer.sharedUrl();
  }

  @Override
  String sessionIdQuery() {
    return "SELECT pg_backend_pid()";
  }

  @Override
  String liveSessionsQuery(String ids) {
    return "SELECT count(*) FROM pg_stat_activity WHERE pid IN (" + ids + ")";
  }
}
