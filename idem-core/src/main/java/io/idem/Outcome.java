package io.idem;

/**
 * What {@link Idempotency#execute} did. Replays and contention are values; only
 * {@link #orElseThrow()} turns them into exceptions, for callers that prefer that.
 */
public sealed interface Outcome<T>
    permits Outcome.Executed, Outcome.Replayed, Outcome.ReplayedFailure, Outcome.ReplayedWithoutResult,
    Outcome.InProgress, Outcome.Mismatch {

  /**
   * The work ran here. {@code completion} says what became of its result: {@link Completion#STORED};
   * {@link Completion#RETRYING} when the store did not answer and the engine keeps trying in the
   * background; {@link Completion#LEASE_LOST} when the attempt was too slow and another took the key
   * over, so the result was not stored (the listener was told).
   */
  record Executed<T>(T value, Completion completion) implements Outcome<T> {
    public Executed {
      java.util.Objects.requireNonNull(completion, "completion");
    }

    /** Whether the result is stored already. */
    public boolean recorded() {
      return completion == Completion.STORED;
    }
  }

  /** An earlier attempt completed; this is its stored result. The work did not run. */
  record Replayed<T>(T value) implements Outcome<T> {}

  /**
   * An earlier attempt failed and the failure was stored ({@link IdempotencyConfig.FailurePolicy#STORE}).
   * The work did not run.
   */
  record ReplayedFailure<T>(String exceptionType, String message) implements Outcome<T> {}

  /** An earlier attempt completed, but its result was too large to keep; {@code summary} is what was kept. */
  record ReplayedWithoutResult<T>(byte[] summary) implements Outcome<T> {}

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
