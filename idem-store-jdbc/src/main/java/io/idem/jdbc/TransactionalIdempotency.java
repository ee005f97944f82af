package io.idem.jdbc;

import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyKey;
import io.idem.Outcome;
import io.idem.ResultCodec;
import io.idem.StoreUnavailableException;
import io.idem.WorkFailedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Runs work in a database transaction that also stores its result: the work's own writes and the
 * completed record commit together or roll back together, so a crash can never leave a side effect
 * without its record (nor a record without its side effect).
 *
 * <p>For each new key:
 * <ol>
 *   <li>reserve, in the store's own short transaction, so the lease is visible to every instance;</li>
 *   <li>open one transaction on the store's {@link JdbcStore#dataSource() data source}, run the
 *       work with its connection, then the fenced complete on the same connection;</li>
 *   <li>commit when the complete matched the lease; roll back and throw {@link LeaseLostException}
 *       when the lease was lost; roll back and settle the attempt as the engine's
 *       {@link io.idem.IdempotencyConfig.FailurePolicy} says when the work threw.</li>
 * </ol>
 * Duplicates are answered exactly as {@link Idempotency#execute} answers them.
 */
public final class TransactionalIdempotency {

  private final Idempotency engine;
  private final JdbcStore store;

  private TransactionalIdempotency(Idempotency engine, JdbcStore store) {
    this.engine = engine;
    this.store = store;
  }

  /** Wraps an engine whose store is a {@link JdbcStore}. */
  public static TransactionalIdempotency create(Idempotency engine) {
    Objects.requireNonNull(engine, "engine");
    if (!(engine.store() instanceof JdbcStore store)) {
      throw new IllegalArgumentException("transactional completion needs a JdbcStore, the engine has "
          + engine.store());
    }
    return new TransactionalIdempotency(engine, store);
  }

  /**
   * Runs {@code work} in one transaction with the completion of its record, unless the key already
   * ran. Exceptions of the work are rethrown after the rollback, unchecked ones as they are, checked
   * ones in a {@link WorkFailedException}.
   *
   * @throws LeaseLostException when the lease expired before the commit (nothing was written)
   * @throws StoreUnavailableException when the database fails; if the commit itself failed, the
   *     record is released when nothing was committed
   */
  public <T> Outcome<T> execute(IdempotencyKey key, Fingerprint fingerprint, TransactionalWork<T> work,
      ResultCodec<T> codec) {
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(codec, "codec");
    Admission admission = engine.begin(key, fingerprint);
    if (admission instanceof Admission.Proceed proceed) {
      return run(proceed.attempt(), work, codec);
    }
    return Idempotency.outcomeOf(admission, codec);
  }

  private <T> Outcome<T> run(Attempt attempt, TransactionalWork<T> work, ResultCodec<T> codec) {
    Connection connection;
    try {
      connection = store.dataSource().getConnection();
    } catch (SQLException e) {
      attempt.fail(e);
      throw SqlErrors.translate(store.storeName(), "begin transaction", store.table(), e);
    }
    try (connection) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        return runInTransaction(connection, attempt, work, codec);
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw SqlErrors.translate(store.storeName(), "transaction", store.table(), e);
    }
  }

  private <T> Outcome<T> runInTransaction(Connection connection, Attempt attempt, TransactionalWork<T> work,
      ResultCodec<T> codec) throws SQLException {
    T value;
    boolean recorded;
    boolean completing = false;
    try {
      value = work.run(connection);
      byte[] encoded = codec.encode(value);
      completing = true;
      try (JdbcStore.JoinedTransaction joined = store.joinTransaction(connection)) {
        recorded = attempt.complete(encoded);
      }
    } catch (Throwable failure) {
      rollbackQuietly(connection, failure);
      if (completing) {
        // The attempt is finished; its rolled-back completion left the lease in place.
        releaseQuietly(attempt, failure);
      } else {
        attempt.fail(failure);
      }
      throw WorkFailedException.propagate(attempt.key(), failure);
    }
    if (!recorded) {
      connection.rollback();
      throw new LeaseLostException(attempt.key());
    }
    try {
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly(connection, e);
      // Releases only if the commit did not happen: a committed record has no token left to match.
      releaseQuietly(attempt, e);
      throw SqlErrors.translate(store.storeName(), "commit", store.table(), e);
    }
    return new Outcome.Executed<>(value, true);
  }

  private void releaseQuietly(Attempt attempt, Throwable cause) {
    try {
      store.release(attempt.key(), attempt.token());
    } catch (RuntimeException releaseFailure) {
      cause.addSuppressed(releaseFailure);
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
