package io.idem;

/** Wraps a checked exception thrown by {@link Work}; unchecked ones are rethrown as they are. */
public final class WorkFailedException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  public WorkFailedException(IdempotencyKey key, Exception cause) {
    super("work for " + key + " failed: " + cause, cause);
  }

  /**
   * What to throw for a work's failure: an unchecked exception as it is, a checked one wrapped in a
   * {@code WorkFailedException}. An {@link Error} is thrown from here.
   */
  public static RuntimeException propagate(IdempotencyKey key, Throwable failure) {
    if (failure instanceof RuntimeException runtime) {
      return runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new WorkFailedException(key, (Exception) failure);
  }
}
