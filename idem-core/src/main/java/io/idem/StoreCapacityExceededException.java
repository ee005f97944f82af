package io.idem;

/**
 * A bounded store is full and may not make room without breaking a promise (evicting a live lease,
 * or a completed record when configured to refuse instead). The work did not run.
 */
public final class StoreCapacityExceededException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  public StoreCapacityExceededException(String message) {
    super(message);
  }
}
