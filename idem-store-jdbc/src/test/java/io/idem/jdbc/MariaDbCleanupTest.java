package io.idem.jdbc;

import io.idem.testservers.MariaDbServer;
import java.util.List;

class MariaDbCleanupTest extends CleanupTest {
  @Override
  String jdbcUrl() {
    return MariaDbServer.sharedUrl();
  }

  /**
   * MariaDB has row triggers only. Inside a trigger NOW(6) is the time its statement began, the same
   * for every row that statement removes: with the connection, it tells the statements apart.
   */
  @Override
  List<String> logDeletes(String table, String log) {
    return List.of(
        "CREATE TABLE " + log + " (connection_id BIGINT NOT NULL, started DATETIME(6) NOT NULL)",
        "CREATE TRIGGER " + log + " AFTER DELETE ON " + table + " FOR EACH ROW"
            + " INSERT INTO " + log + " VALUES (CONNECTION_ID(), NOW(6))");
  }

  @Override
  String rowsPerDelete(String log) {
    return "SELECT count(*) FROM " + log + " GROUP BY connection_id, started ORDER BY started";
  }

  @Override
  List<String> dropDeleteLog(String table, String log) {
    return List.of("DROP TABLE IF EXISTS " + log);
  }
}
