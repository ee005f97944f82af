package io.idem.benchmarks.http;

import io.idem.jdbc.JdbcStore;
import io.idem.jdbc.JdbcStoreBuilder;
import io.idem.memory.MemoryStore;
import io.idem.redis.RedisStore;
import io.idem.spi.IdempotencyStore;
import io.idem.testservers.MariaDbServer;
import io.idem.testservers.PostgresServer;
import io.idem.testservers.RedisServer;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The stores the filter benchmark runs on. Each starts its own server on a random port (embedded
 * redis-server 7.0.15, embedded PostgreSQL 15, Debian's mariadbd) unless the driver was given the URL
 * of a running one. Every store is built the way a user would: {@code RedisStore.create(url)},
 * {@code JdbcStore.builder(url)} (a HikariCP pool of its own, decision 0205), the memory store with
 * room for every key of the run.
 */
enum StoreTarget {
  MEMORY, REDIS, POSTGRESQL, MARIADB;

  /** A store and what it runs on; closing it stops the server the driver started, if any. */
  record Running(String description, IdempotencyStore store, AutoCloseable server) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try {
        store.close();
      } finally {
        if (server != null) {
          server.close();
        }
      }
    }
  }

  static StoreTarget parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown store " + name + "; use memory, redis, postgresql or mariadb", e);
    }
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Opens the store on {@code externalUrl}, or on a server started for the run when it is null.
   * {@code poolSize} is the JDBC stores' pool (0: the store's default).
   */
  Running open(String externalUrl, int poolSize) {
    return switch (this) {
      case MEMORY -> new Running("memory (Caffeine, up to 4M records)",
          MemoryStore.builder().maximumSize(4_000_000).build(), null);
      case REDIS -> on("redis", externalUrl, RedisServer::start, RedisServer::url, RedisStore::create);
      // The settings of JdbcStoreLoad: a commit waits for its WAL flush, as in production.
      case POSTGRESQL -> on("postgresql", externalUrl, () -> PostgresServer.startWith(Map.of("max_connections", "100",
          "shared_buffers", "256MB", "synchronous_commit", "on")), PostgresServer::url, url -> jdbc(url, poolSize));
      case MARIADB -> on("mariadb", externalUrl, MariaDbServer::start, MariaDbServer::url, url -> jdbc(url, poolSize));
    };
  }

  private static <S extends AutoCloseable> Running on(String name, String externalUrl, Supplier<S> starter,
      Function<S, String> urlOf, Function<String, IdempotencyStore> opener) {
    S server = externalUrl == null ? starter.get() : null;
    try {
      String url = server == null ? externalUrl : urlOf.apply(server);
      return new Running(name + " " + describe(url, server), opener.apply(url), server);
    } catch (RuntimeException e) {
      if (server != null) {
        try {
          server.close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
  }

  private static IdempotencyStore jdbc(String url, int poolSize) {
    JdbcStoreBuilder builder = JdbcStore.builder(url).createIfMissing(true);
    return (poolSize > 0 ? builder.poolSize(poolSize) : builder).build();
  }

  private static String describe(String url, AutoCloseable startedServer) {
    String where = url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    return startedServer == null ? "(external: " + where + ")" : "(started for the run: " + where + ")";
  }
}
