package io.idem.jdbc;

import io.idem.IdempotencyKey;
import io.idem.StoreUnavailableException;
import io.idem.spi.KeyWatch;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What wakes a {@link JdbcStore}'s waiting duplicates, by dialect (decision 0211): on PostgreSQL a
 * {@link PostgresSignals} listener, started when the first duplicate waits; MySQL and MariaDB have no
 * server notification, so a watch is refused at once and the engine polls.
 */
final class WaiterSignals implements Sql.CommittedHere, AutoCloseable {

  private final JdbcStore store;
  private final UrlPool ownedPool;
  private final boolean notifyWaiters;
  private volatile PostgresSignals postgres;
  private boolean closed;

  /** @param ownedPool the store's own pool, whose URL the listener connects to outside it; null for a caller's data source */
  WaiterSignals(JdbcStore store, UrlPool ownedPool, boolean notifyWaiters) {
    this.store = store;
    this.ownedPool = ownedPool;
    this.notifyWaiters = notifyWaiters;
  }

  KeyWatch watch(IdempotencyKey key) {
    Dialect dialect = store.dialect().orElse(null);
    if (dialect != Dialect.POSTGRESQL || !notifyWaiters) {
      throw new StoreUnavailableException(store.storeName(), "watch", dialect == null
          ? "no call has reached the database yet, so its dialect is unknown"
          : dialect == Dialect.POSTGRESQL ? "notifyWaiters(false): waiting duplicates poll"
          : "MySQL and MariaDB send no notifications: waiting duplicates poll", null);
    }
    return postgres().watch(key);
  }

  /**
   * This store's own statement committed a change to {@code key} (a completion with its fingerprint
   * and result, or a release with nulls): its waiters in this process wake at once. Costs one lookup
   * when nobody waits; the server's notification still wakes the waiters of every other process.
   */
  @Override
  public void changed(IdempotencyKey key, byte[] fingerprint, byte[] result) {
    PostgresSignals listening = postgres;
    if (listening != null) {
      listening.wakeHere(key, fingerprint, result);
    }
  }

  @Override
  public void completing(IdempotencyKey key) {
    PostgresSignals listening = postgres;
    if (listening != null) {
      listening.expectHere(key);
    }
  }

  @Override
  public void ended(IdempotencyKey key, boolean wokeHere) {
    PostgresSignals listening = postgres;
    if (listening != null) {
      listening.expectedHereEnded(key, wokeHere);
    }
  }

  private synchronized PostgresSignals postgres() {
    if (closed) {
      throw new StoreUnavailableException(store.storeName(), "watch", "the store is closed", null);
    }
    if (postgres == null) {
      postgres = new PostgresSignals(this::listenerConnection, store.table(), store.timeout());
    }
    return postgres;
  }

  /**
   * The listener's connection, held for as long as the store lives: outside the store's own pool, or
   * outside the caller's HikariCP pool when it has a JDBC URL (so the pool keeps all its connections,
   * and the listener its own sockets); otherwise one of the caller's data source.
   */
  private Connection listenerConnection() throws SQLException {
    if (ownedPool != null) {
      return ownedPool.openOutside(ListenerSockets.connectionProperties());
    }
    SQLException refused = null;
    if (UrlPool.hikariPresent()) {
      try {
        Connection outside = UrlPool.openOutsideOf(store.dataSource(), ListenerSockets.connectionProperties());
        if (outside != null) {
          return outside;
        }
      } catch (SQLException e) {
        refused = e; // credentials only the pool knows (a credentials provider, say): one of its connections
      }
    }
    try {
      return store.dataSource().getConnection();
    } catch (SQLException e) {
      if (refused != null) {
        e.addSuppressed(refused);
      }
      throw e;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (postgres != null) {
      postgres.close();
    }
  }
}
