package io.idem.jdbc;

class PostgresOwnedPoolTest extends OwnedPoolTest {
  @Override
  String jdbcUrl() {
    return PostgresServer.shared().jdbcUrl();
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
