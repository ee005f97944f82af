package io.idem.spring;

import io.idem.IdempotencyException;
import io.idem.IdempotencyKey;

/**
 * An {@link Idempotent} method was called with a key whose first call is still running (after
 * waiting {@code idem.methods.wait-for-in-progress}, when set). Nothing ran. A message listener lets
 * it propagate so that the broker redelivers the message later, when the first call has finished and
 * its result is replayed.
 */
public final class DuplicateInProgressException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final transient IdempotencyKey key;

  public DuplicateInProgressException(IdempotencyKey key) {
    super("a call with idempotency key " + key.key() + " (namespace " + key.namespace()
        + ") is still in progress; try again later");
    this.key = key;
  }

  public IdempotencyKey key() {
    return key;
  }
}
