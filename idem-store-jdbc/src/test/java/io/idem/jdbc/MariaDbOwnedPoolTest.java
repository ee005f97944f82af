package io.idem.jdbc;

import io.idem.testservers.MariaDbServer;

class MariaDbOwnedPoolTest extends OwnedPoolTest {
  @Override
  String jdbcUrl() {
    return MariaDbServer.sharedUrl();
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
