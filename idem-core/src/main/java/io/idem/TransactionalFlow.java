package io.idem;

import io.idem.IdempotencyListener.StoreOperation;
import io.idem.spi.TransactionalCompletion;

/**
 * {@link Idempotency#executeInTransaction} for one attempt that holds its key: open the store's
 * transaction, run the work in it, complete the record in it, commit. Whatever fails, the
 * transaction is rolled back and closed before the attempt is settled through the ordinary store
 * calls (release or stored failure, by policy), so the flow never holds two of the store's
 * connections at once.
 */
final class TransactionalFlow<C> {

  private final Idempotency engine;
  private final TransactionalCompletion<C> transactions;
  private final Attempt attempt;

  TransactionalFlow(Idempotency engine, TransactionalCompletion<C> transactions, Attempt attempt) {
    this.engine = engine;
    this.transactions = transactions;
    this.attempt = attempt;
  }

  <T> Outcome<T> run(TransactionalWork<C, T> work, ResultCodec<T> codec) {
    C transaction;
    try {
      transaction = engine.calls().call(StoreOperation.COMPLETE, transactions::begin);
    } catch (RuntimeException e) {
      attempt.fail(e);
      throw e;
    }
    T value;
    boolean committing = false;
    try {
      value = work.run(transaction);
      byte[] envelope = ResultEnvelope.value(codec.encode(value));
      IdempotencyConfig config = engine.config();
      boolean stored = engine.calls().call(StoreOperation.COMPLETE, () -> transactions.complete(transaction,
          attempt.key(), attempt.token(), envelope, config.retention()));
      if (!stored) {
        rollbackAndClose(transaction, null);
        engine.finisher().settledInTransaction(attempt, false);
        throw new LeaseLostException(attempt.key());
      }
      committing = true;
      engine.calls().call(StoreOperation.COMPLETE, () -> {
        transactions.commit(transaction);
        return null;
      });
    } catch (LeaseLostException lost) {
      throw lost;
    } catch (Throwable failure) {
      rollbackAndClose(transaction, failure);
      if (committing) {
        // Fenced by the token: releases only if the commit did not happen after all.
        engine.finisher().releaseAfterFailedCommit(attempt);
      } else {
        attempt.fail(failure);
      }
      throw WorkFailedException.propagate(attempt.key(), failure);
    }
    transactions.close(transaction);
    engine.finisher().settledInTransaction(attempt, true);
    return new Outcome.Executed<>(value, Completion.STORED);
  }

  private void rollbackAndClose(C transaction, Throwable cause) {
    try {
      transactions.rollback(transaction);
    } catch (RuntimeException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      }
    } finally {
      transactions.close(transaction);
    }
  }
}
