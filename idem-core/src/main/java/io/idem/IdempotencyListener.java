package io.idem;

/**
 * Observes the engine and stores: outcomes, store call latency, lost leases, evictions. Every method
 * has a no-op default; implementations must be fast and must not throw (anything they throw is
 * swallowed so that observability never changes an outcome). Micrometer bindings live in their own
 * module.
 */
public interface IdempotencyListener {

  IdempotencyListener NOOP = new IdempotencyListener() {};

  /** What a call to execute or begin came to. */
  enum OutcomeKind { EXECUTED, REPLAYED, IN_PROGRESS, MISMATCH }

  /** A store primitive, for latency reporting. */
  enum StoreOperation { RESERVE, COMPLETE, RELEASE, EXTEND, FIND, DELETE, PURGE }

  default void onOutcome(IdempotencyKey key, OutcomeKind outcome) {}

  /** One store call finished, successfully or not, after {@code nanos}. */
  default void onStoreCall(StoreOperation operation, long nanos, boolean failed) {}

  /**
   * An attempt lost its lease: a completion, release or heartbeat was refused because the lease had
   * expired or been taken over. The work may have run twice; this is worth an alert.
   */
  default void onLeaseLost(IdempotencyKey key) {}

  /** The heartbeat extended a live attempt's lease. */
  default void onLeaseExtended(IdempotencyKey key) {}

  /**
   * The store did not take an attempt's completion or release; the engine keeps the key in progress
   * and retries in the background until the store takes it, the lease is lost, or the attempt's
   * time limit passes.
   */
  default void onCompletionDeferred(IdempotencyKey key) {}

  /**
   * An attempt reached {@link IdempotencyConfig#attemptTimeLimit()} unfinished, or with a completion
   * the store never took: the engine stopped extending its lease and retrying, and the lease will
   * expire, after which a retry may run the work again. Worth an alert.
   */
  default void onAttemptTimedOut(IdempotencyKey key) {}

  /**
   * A duplicate waiting for a running attempt could not use the store's completion signals (the
   * signal channel is down): it falls back to polling the store until its deadline.
   */
  default void onSignalsUnavailable(IdempotencyKey key, Throwable cause) {}

  /**
   * A bounded store evicted a completed record before its retention ended to make room: a retry of
   * that key would run again.
   */
  default void onRecordEvicted(IdempotencyKey key) {}

  /** A bounded store refused a reservation because it was full. */
  default void onReservationRefused(IdempotencyKey key) {}
}
