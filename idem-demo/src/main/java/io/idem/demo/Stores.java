package io.idem.demo;

import io.idem.IdempotencyKey;
import io.idem.jdbc.JdbcStore;
import io.idem.memory.MemoryStore;
import io.idem.redis.RedisStore;
import io.idem.spi.IdempotencyStore;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Opens the store a {@code --store} URI names. */
final class Stores {

  private Stores() {}

  /**
   * Opens the store and makes one read, so that an unreachable store stops the demo at start with a
   * clear message instead of answering every request 503.
   *
   * @throws IllegalStateException naming the store when it cannot be opened or reached
   */
  static IdempotencyStore open(String uri) {
    IdempotencyStore store = connect(uri);
    try {
      store.find(IdempotencyKey.of(DemoServer.NAMESPACE, "startup-probe"));
      return store;
    } catch (RuntimeException e) {
      try {
        store.close();
      } catch (Exception closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw new IllegalStateException("cannot reach the store " + redact(uri) + ": " + e.getMessage(), e);
    }
  }

  private static IdempotencyStore connect(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    try {
      if (lower.equals("memory:")) {
        return MemoryStore.builder().maximumSize(1_000_000).build();
      }
      if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
        return RedisStore.create(uri);
      }
      if (lower.startsWith("jdbc:")) {
        // The demo creates its table on first start; JdbcStore.fromUrl expects it to exist.
        return JdbcStore.builder(dataSource(uri)).createIfMissing(true).build();
      }
    } catch (RuntimeException | SQLException e) {
      throw new IllegalStateException("cannot open the store " + redact(uri) + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException("unsupported store " + redact(uri));
  }

  private static DataSource dataSource(String uri) throws SQLException {
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      PGSimpleDataSource postgres = new PGSimpleDataSource();
      postgres.setURL(uri);
      return postgres;
    }
    // MariaDB Connector/J speaks to MySQL servers too; it only wants its own scheme.
    return new MariaDbDataSource(lower.startsWith("jdbc:mysql:") ? "jdbc:mariadb:" + uri.substring(11) : uri);
  }

  /** Keeps passwords in URIs out of logs and messages. */
  static String redact(String uri) {
    return uri.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@");
  }
}
