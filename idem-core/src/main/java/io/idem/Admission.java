package io.idem;

import java.util.Objects;

/**
 * What {@link Idempotency#begin} decided, for layers (HTTP) that run the work themselves.
 * Only {@link Proceed} obliges the caller to finish the {@link Attempt}.
 */
public sealed interface Admission permits Admission.Proceed, Admission.Replay, Admission.ReplayFailure,
    Admission.ReplayWithoutResult, Admission.InProgress, Admission.Mismatch {

  /** Run the work, then call exactly one of the attempt's complete, completeWithoutResult, fail or abandon. */
  record Proceed(Attempt attempt) implements Admission {
    public Proceed {
      Objects.requireNonNull(attempt, "attempt");
    }
  }

  /** An earlier attempt completed: answer with {@code payload}, do not run the work. */
  record Replay(byte[] payload) implements Admission {}

  /** An earlier attempt failed and its failure was stored ({@link IdempotencyConfig.FailurePolicy#STORE}). */
  record ReplayFailure(String exceptionType, String message) implements Admission {}

  /**
   * An earlier attempt completed, but its result was too large to keep ({@link Attempt#completeWithoutResult}):
   * the work must not run again, and only the {@code summary} its layer kept can be answered.
   */
  record ReplayWithoutResult(byte[] summary) implements Admission {}

  /** Another attempt holds the key (after the configured wait, if any). */
  record InProgress() implements Admission {}

  /** The key was used with another fingerprint. */
  record Mismatch() implements Admission {}
}
