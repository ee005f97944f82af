package io.idem;

/**
 * Work whose writes go through {@code transaction}, the same transaction that stores its result
 * ({@link Idempotency#executeInTransaction}). Must not commit, roll back or close it.
 *
 * @param <C> the transaction's handle, e.g. a {@code java.sql.Connection}
 */
@FunctionalInterface
public interface TransactionalWork<C, T> {
  T run(C transaction) throws Exception;
}
