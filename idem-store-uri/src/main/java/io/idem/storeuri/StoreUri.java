package io.idem.storeuri;

import io.idem.IdempotencyKey;
import io.idem.spi.IdempotencyStore;
import java.util.Locale;
import java.util.Objects;

/**
 * Opens the store a URI names, the one mapping behind every {@code --store} flag and {@code idem.store}
 * property Idem ships:
 *
 * <ul>
 *   <li>{@code memory:}: the in-memory store, up to a million records;</li>
 *   <li>{@code redis://host:port}, {@code rediss://..}: the Redis store ({@code idem-store-redis});</li>
 *   <li>{@code jdbc:postgresql:..}, {@code jdbc:mariadb:..}, {@code jdbc:mysql:..}: the JDBC store on a pool
 *       of its own, table created when missing ({@code idem-store-jdbc}, HikariCP and the driver);</li>
 *   <li>{@code nats://host:port}: the NATS JetStream key-value store ({@code idem-store-nats}).</li>
 * </ul>
 *
 * <p>Each backend's module is an optional dependency: a URI whose module is not on the class path is
 * refused with a message naming the module.
 */
public final class StoreUri {

  /** What the usage texts print. */
  public static final String FORMS = "memory: | redis://host:port | jdbc:postgresql://.. | jdbc:mariadb://.. | "
      + "jdbc:mysql://.. | nats://host:port";

  private StoreUri() {}

  /**
   * Checks that {@code uri} has a scheme Idem can open, without opening anything.
   *
   * @return the URI, trimmed
   * @throws IllegalArgumentException naming the forms accepted
   */
  public static String check(String uri) {
    Objects.requireNonNull(uri, "uri");
    String trimmed = uri.trim();
    if (backend(trimmed) == null) {
      throw new IllegalArgumentException("a store URI must be one of " + FORMS + ", was \"" + redact(trimmed) + "\"");
    }
    return trimmed;
  }

  /**
   * Opens the store and makes one read, so that an unreachable store stops a server at start with a
   * clear message instead of answering every request 503.
   *
   * @throws IllegalStateException naming the store (password hidden) when it cannot be opened or reached
   * @throws IllegalArgumentException when the URI has no scheme Idem can open
   */
  public static IdempotencyStore open(String uri) {
    IdempotencyStore store = connect(uri);
    try {
      store.find(IdempotencyKey.of("idem-probe", "startup-probe"));
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

  /**
   * Opens the store without touching it.
   *
   * @throws IllegalStateException naming the store when it cannot be opened or its module is missing
   * @throws IllegalArgumentException when the URI has no scheme Idem can open
   */
  public static IdempotencyStore connect(String uri) {
    String checked = check(uri);
    Backend backend = backend(checked);
    try {
      return switch (backend) {
        case MEMORY -> MemoryBackend.open();
        case REDIS -> RedisBackend.open(checked);
        case JDBC -> JdbcBackend.open(checked);
        case NATS -> NatsBackend.open(checked);
      };
    } catch (NoClassDefFoundError missing) {
      throw new IllegalStateException("cannot open the store " + redact(checked) + ": add " + backend.module
          + " to the class path (" + missing.getMessage() + " is missing)", missing);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open the store " + redact(checked) + ": " + e.getMessage(), e);
    }
  }

  /** The URI with passwords hidden, for logs and messages. */
  public static String redact(String uri) {
    return uri.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@");
  }

  private enum Backend {
    MEMORY("io.idem:idem-store-memory"),
    REDIS("io.idem:idem-store-redis"),
    JDBC("io.idem:idem-store-jdbc, HikariCP and the database's JDBC driver"),
    NATS("io.idem:idem-store-nats");

    private final String module;

    Backend(String module) {
      this.module = module;
    }
  }

  private static Backend backend(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.equals("memory:")) {
      return Backend.MEMORY;
    }
    if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
      return Backend.REDIS;
    }
    if (lower.startsWith("jdbc:postgresql:") || lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
      return Backend.JDBC;
    }
    if (lower.startsWith("nats://")) {
      return Backend.NATS;
    }
    return null;
  }
}
