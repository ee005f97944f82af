package io.idem.storeuri;

import io.idem.jdbc.JdbcStore;
import io.idem.spi.IdempotencyStore;
import java.util.Locale;

/** {@code jdbc:..}. A class of its own so that only this scheme needs idem-store-jdbc and HikariCP. */
final class JdbcBackend {

  private JdbcBackend() {}

  /** A pool the store opens and closes with itself; the table is created on first start. */
  static IdempotencyStore open(String uri) {
    return JdbcStore.builder(driverUrl(uri)).createIfMissing(true).build();
  }

  /** MariaDB Connector/J speaks to MySQL servers too; it only wants its own scheme. */
  static String driverUrl(String uri) {
    return uri.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:") ? "jdbc:mariadb:" + uri.substring(11) : uri;
  }
}
