package io.idem.micrometer;

/**
 * The names and tags of every meter {@link IdempotencyMetrics} registers, in Micrometer's convention
 * (lower-case, dot-separated; each registry renders them its own way, Prometheus as
 * {@code idem_requests_total}, {@code idem_store_calls_seconds}, ...). Dashboards and alerts should
 * refer to these constants rather than spell the names again.
 */
public final class IdemMetricNames {

  /** Counter: requests the engine admitted or answered, tagged with {@link #TAG_OUTCOME}. */
  public static final String REQUESTS = "idem.requests";

  /** Timer: store calls, tagged with {@link #TAG_OPERATION} and {@link #TAG_RESULT}. */
  public static final String STORE_CALLS = "idem.store.calls";

  /** Gauge: attempts that were admitted and whose finish the store has not yet answered. */
  public static final String ATTEMPTS_ACTIVE = "idem.attempts.active";

  /** Counter: attempts whose lease was lost (taken over or expired): the work may have run twice. */
  public static final String LEASES_LOST = "idem.leases.lost";

  /** Counter: leases the heartbeat extended for a long-running attempt. */
  public static final String LEASES_EXTENDED = "idem.leases.extended";

  /** Counter: completions the store did not take at once; the engine retries them in the background. */
  public static final String COMPLETIONS_DEFERRED = "idem.completions.deferred";

  /** Counter: attempts that reached the attempt time limit unfinished or with their completion untaken. */
  public static final String ATTEMPTS_TIMED_OUT = "idem.attempts.timed.out";

  /** Counter: completed records a bounded store evicted before their retention ended. */
  public static final String RECORDS_EVICTED = "idem.records.evicted";

  /** Counter: reservations a full bounded store refused. */
  public static final String RESERVATIONS_REFUSED = "idem.reservations.refused";

  /** Tag of {@link #REQUESTS}: {@code executed}, {@code replayed}, {@code in_progress}, {@code mismatch}. */
  public static final String TAG_OUTCOME = "outcome";

  /** Tag of {@link #STORE_CALLS}: {@code reserve}, {@code complete}, {@code release}, {@code extend}, ... */
  public static final String TAG_OPERATION = "operation";

  /** Tag of {@link #STORE_CALLS}: {@link #RESULT_SUCCESS} or {@link #RESULT_FAILURE}. */
  public static final String TAG_RESULT = "result";

  /** The store answered (whatever it answered). */
  public static final String RESULT_SUCCESS = "success";

  /** The store did not answer: an error or a time-out. */
  public static final String RESULT_FAILURE = "failure";

  private IdemMetricNames() {}
}
