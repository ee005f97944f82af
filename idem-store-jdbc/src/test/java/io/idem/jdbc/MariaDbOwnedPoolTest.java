package io.idem.jdbc;

class MariaDbOwnedPoolTest extends OwnedPoolTest {
  @Override
  String jdbcUrl() {
    return MariaDbServer.shared().jdbcUrl();
  }

  @Override
  String sessionIdQuery() {
    return "SELECT CONNECTION_ID()";
  }

  @Override
  String liveSessionsQuery(String ids) {
    return "SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID IN (" + ids + ")";
  }
}
