package io.idem.demo;

import io.idem.IdempotencyKey;
import io.idem.jdbc.JdbcStore;
import io.idem.memory.MemoryStore;
import io.idem.redis.RedisStore;
import io.idem.spi.IdempotencyStore;
import java.util.Locale;

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
        // A pool the store opens and closes with itself; the demo creates its table on first start.
        return JdbcStore.builder(driverUrl(uri)).createIfMissing(true).build();
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open the store " + redact(uri) + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException("unsupported store " + redact(uri));
  }

  /** MariaDB Connector/J, which the demo ships, speaks to MySQL servers too; it only wants its own scheme. */
  private static String driverUrl(String uri) {
    return uri.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:") ? "jdbc:mariadb:" + uri.substring(11) : uri;
  }

  /** Keeps passwords in URIs out of logs and messages. */
  static String redact(String uri) {
    return uri.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@");
  }
}
