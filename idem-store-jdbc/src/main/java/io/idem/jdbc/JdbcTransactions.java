package io.idem.jdbc;

import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.TransactionalCompletion;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Transactions on the store's data source for {@link io.idem.Idempotency#executeInTransaction}: one
 * connection with auto-commit off per transaction, the fenced complete on it, and the connection's
 * auto-commit restored before it goes back to the pool.
 */
final class JdbcTransactions implements TransactionalCompletion<Connection> {

  private final JdbcStore store;

  JdbcTransactions(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Connection begin() {
    Connection connection = null;
    try {
      connection = store.open();
      connection.setAutoCommit(false);
      return connection;
    } catch (SQLException e) {
      close(connection);
      throw SqlErrors.translate(store.storeName(), "begin transaction", store.table(), e);
    }
  }

  @Override
  public boolean complete(Connection transaction, IdempotencyKey key, LeaseToken token, byte[] result,
      Duration retention) {
    return store.completeOn(transaction, key, token, result, retention);
  }

  @Override
  public void commit(Connection transaction) {
    try {
      transaction.commit();
    } catch (SQLException e) {
      throw SqlErrors.translate(store.storeName(), "commit", store.table(), e);
    }
  }

  @Override
  public void rollback(Connection transaction) {
    try {
      transaction.rollback();
    } catch (SQLException e) {
      throw SqlErrors.translate(store.storeName(), "rollback", store.table(), e);
    }
  }

  @Override
  public void close(Connection transaction) {
    if (transaction == null) {
      return;
    }
    try {
      transaction.setAutoCommit(true);
    } catch (SQLException ignored) {
      // A broken connection: the pool discards it on close.
    }
    try {
      transaction.close();
    } catch (SQLException ignored) {
      // Nothing more to give back.
    }
  }
}
