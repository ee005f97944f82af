package io.idem.spi;

import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import java.time.Duration;

/**
 * A store whose completion can join the work's own transaction, so the work's writes and its record
 * commit together or not at all. The engine's {@link io.idem.Idempotency#executeInTransaction} drives
 * it, in this order, after the key was reserved in the store's own short transaction:
 * {@code begin} → the work → {@code complete} → {@code commit}; on any failure {@code rollback}; always
 * {@code close} last. The engine closes the transaction before it makes any other store call (a
 * release after a failure, say), so a store on a pool never needs a second connection at once.
 *
 * @param <C> the transaction's handle, e.g. a {@code java.sql.Connection} with auto-commit off
 */
public interface TransactionalCompletion<C> {

  /** Opens a transaction. Throws {@link io.idem.StoreUnavailableException} when it cannot. */
  C begin();

  /**
   * {@link IdempotencyStore#complete} inside {@code transaction}, not committed: the same fence
   * (a live in-progress record with exactly {@code token}), the same result.
   */
  boolean complete(C transaction, IdempotencyKey key, LeaseToken token, byte[] result, Duration retention);

  /** Commits; throws {@link io.idem.StoreUnavailableException} when the commit failed or its outcome is unknown. */
  void commit(C transaction);

  /** Rolls back; best effort, throws {@link io.idem.StoreUnavailableException} when it could not. */
  void rollback(C transaction);

  /** Gives the transaction's resources back (a pooled connection, say); never throws. */
  void close(C transaction);
}
