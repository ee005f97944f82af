package io.idem.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The demo on a real PostgreSQL 15 (embedded binaries on a random port), or on the server
 * {@code IDEM_POSTGRES_URL} names. The demo creates its table on first start.
 */
class PostgresDemoTest extends SharedStoreDemoContract {

  private static EmbeddedPostgres postgres;
  private static String jdbcUrl;

  @BeforeAll
  static void startPostgres() throws IOException {
    String external = System.getenv("IDEM_POSTGRES_URL");
    if (external != null && !external.isBlank()) {
      jdbcUrl = external;
      return;
    }
    postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
    jdbcUrl = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  String storeUri() {
    return jdbcUrl;
  }
}
