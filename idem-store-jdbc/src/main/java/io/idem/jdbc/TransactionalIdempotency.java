package io.idem.jdbc;

import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyKey;
import io.idem.Outcome;
import io.idem.ResultCodec;
import io.idem.TransactionalWork;
import java.sql.Connection;
import java.util.Objects;

/**
 * Shorthand for {@link Idempotency#executeInTransaction} on an engine whose store is a
 * {@link JdbcStore}: the work runs on a connection of the store's data source, in the transaction
 * that also stores its result, so a crash can never leave a side effect without its record (nor a
 * record without its side effect). The flow and its failure handling are the engine's; this class
 * only supplies {@link JdbcStore#transactions()}.
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

  /** {@link Idempotency#executeInTransaction} with this store's transactions. */
  public <T> Outcome<T> execute(IdempotencyKey key, Fingerprint fingerprint, TransactionalWork<Connection, T> work,
      ResultCodec<T> codec) {
    return engine.executeInTransaction(key, fingerprint, store.transactions(), work, codec);
  }
}
