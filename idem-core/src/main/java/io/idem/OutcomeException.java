package io.idem;

/**
 * Thrown by {@link Outcome#orElseThrow()} for an outcome that carries no value: in progress,
 * mismatch, or a replayed failure. The outcome is attached.
 */
public final class OutcomeException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final transient Outcome<?> outcome;

  public OutcomeException(Outcome<?> outcome) {
    super(describe(outcome));
    this.outcome = outcome;
  }

  public Outcome<?> outcome() {
    return outcome;
  }

  private static String describe(Outcome<?> outcome) {
    if (outcome instanceof Outcome.InProgress) {
      return "another attempt with this idempotency key is still in progress";
    }
    if (outcome instanceof Outcome.Mismatch) {
      return "this idempotency key was used with a different request";
    }
    if (outcome instanceof Outcome.ReplayedFailure<?> failure) {
      return "the first attempt with this idempotency key failed: " + failure.exceptionType() + ": "
          + failure.message();
    }
    return String.valueOf(outcome);
  }
}
