package io.idem;

/**
 * What {@link Idempotency#execute} did. Replays and contention are values; only
 * {@link #orElseThrow()} turns them into exceptions, for callers that prefer that.
 */
public sealed interface Outcome<T>
    permits Outcome.Executed, Outcome.Replayed, Outcome.ReplayedFailure, Outcome.InProgress, Outcome.Mismatch {

  /**
   * The work ran here. {@code recorded} is false when the lease was lost before completion (the
   * attempt was too slow and another took the key over): the result was not stored, and the
   * listener was told.
   */
  record Executed<T>(T value, boolean recorded) implements Outcome<T> {}

  /** An earlier attempt completed; this is its stored result. The work did not run. */
  record Replayed<T>(T value) implements Outcome<T> {}

  /**
   * An earlier attempt failed and the failure was stored ({@link IdempotencyConfig.FailurePolicy#STORE}).
   * The work did not run.
   */
  record ReplayedFailure<T>(String exceptionType, String message) implements Outcome<T> {}

  /** Another attempt holds the key and did not finish within the configured wait. */
  record InProgress<T>() implements Outcome<T> {}

  /** The key was used before with another fingerprint: a different request reusing the key. */
  record Mismatch<T>() implements Outcome<T> {}

  /** The value of an executed or replayed outcome; a typed exception for the others. */
  default T orElseThrow() {
    if (this instanceof Executed<T> executed) {
      return executed.value();
    }
    if (this instanceof Replayed<T> replayed) {
      return replayed.value();
    }
    throw new OutcomeException(this);
  }

  /** Whether the work ran in this call. */
  default boolean executed() {
    return this instanceof Executed;
  }
}
