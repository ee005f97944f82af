package io.idem;

/** Wraps a checked exception thrown by {@link Work}; unchecked ones are rethrown as they are. */
public final class WorkFailedException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  public WorkFailedException(IdempotencyKey key, Exception cause) {
    super("work for " + key + " failed: " + cause, cause);
  }
}
