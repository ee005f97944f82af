package io.idem;

import io.idem.IdempotencyListener.StoreOperation;

/**
 * How an attempt ends in the store: a fenced complete with an envelope, or a fenced release. A value,
 * so that a finish the store did not take can be retried as it was.
 *
 * @param envelope the {@link ResultEnvelope} to store; null for a release
 */
record Finish(byte[] envelope) {

  static final Finish RELEASE = new Finish(null);

  static Finish result(byte[] result) {
    return new Finish(ResultEnvelope.value(java.util.Objects.requireNonNull(result, "result")));
  }

  static Finish withoutResult(byte[] summary) {
    return new Finish(ResultEnvelope.notKept(java.util.Objects.requireNonNull(summary, "summary")));
  }

  static Finish failure(Throwable failure) {
    return new Finish(ResultEnvelope.failure(failure.getClass().getName(), failure.getMessage()));
  }

  boolean releases() {
    return envelope == null;
  }

  StoreOperation operation() {
    return releases() ? StoreOperation.RELEASE : StoreOperation.COMPLETE;
  }

  /** What the store taking this finish means for the key. */
  Completion taken() {
    return releases() ? Completion.RELEASED : Completion.STORED;
  }
}
