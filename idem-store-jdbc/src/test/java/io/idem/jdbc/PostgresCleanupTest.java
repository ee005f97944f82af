package io.idem.jdbc;

import io.idem.testservers.PostgresServer;
import java.util.List;

class PostgresCleanupTest extends CleanupTest {
  @Override
  String jdbcUrl() {
    return PostgresServer.sharedUrl();
  }

  /** A statement-level trigger sees every DELETE's removed rows at once, as a transition table. */
  @Override
  List<String> logDeletes(String table, String log) {
    return List.of(
        "CREATE TABLE " + log + " (id serial PRIMARY KEY, deleted int NOT NULL)",
        "CREATE FUNCTION " + log + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " INSERT INTO " + log + " (deleted) SELECT count(*) FROM removed; RETURN NULL; END $$",
        "CREATE TRIGGER " + log + " AFTER DELETE ON " + table + " REFERENCING OLD TABLE AS removed"
            + " FOR EACH STATEMENT EXECUTE FUNCTION " + log + "()");
  }

  @Override
  String rowsPerDelete(String log) {
    return "SELECT deleted FROM " + log + " WHERE deleted > 0 ORDER BY id";
  }

  @Override
  List<String> dropDeleteLog(String table, String log) {
    return List.of("DROP FUNCTION IF EXISTS " + log + "()", "DROP TABLE IF EXISTS " + log);
  }
}
