package io.idem;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the engine behaves. Immutable; built once with {@link #custom()} or taken as
 * {@link #ofDefaults()}. Each setter rejects a bad value at once, naming it.
 */
public final class IdempotencyConfig {

  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
  public static final Duration DEFAULT_ATTEMPT_TIME_LIMIT = Duration.ofMinutes(10);

  /** What to do when a key comes back with another fingerprint. */
  public enum MismatchPolicy {
    /** Answer {@link Outcome.Mismatch} (HTTP 422): the IETF draft's behaviour. Default. */
    REJECT,
    /** Ignore the fingerprint and replay or wait as for the same request. */
    IGNORE
  }

  /** What to do when the work throws. */
  public enum FailurePolicy {
    /** Release the key so that a retry runs the work again. Default. */
    RELEASE,
    /** Store the failure (type and message); retries get {@link Outcome.ReplayedFailure}. */
    STORE
  }

  /** Whether the engine extends the leases of attempts that outlive half their lease. */
  public enum HeartbeatMode {
    /** Extend when the store is a {@link io.idem.spi.LeaseExtendingStore}; otherwise do nothing. Default. */
    AUTO,
    /** Never extend: a slow attempt loses its lease when it expires. */
    OFF,
    /** Extend, and refuse to build an engine over a store that cannot. */
    REQUIRED
  }

  private final Duration retention;
  private final Duration lease;
  private final Duration attemptTimeLimit;
  private final Duration inProgressWait;
  private final Duration inProgressPollInterval;
  private final MismatchPolicy mismatchPolicy;
  private final FailurePolicy failurePolicy;
  private final HeartbeatMode heartbeat;
  private final Clock clock;
  private final IdempotencyListener listener;

  private IdempotencyConfig(Builder b) {
    this.retention = b.retention;
    this.lease = b.lease;
    this.attemptTimeLimit = b.attemptTimeLimit;
    this.inProgressWait = b.inProgressWait;
    this.inProgressPollInterval = b.inProgressPollInterval;
    this.mismatchPolicy = b.mismatchPolicy;
    this.failurePolicy = b.failurePolicy;
    this.heartbeat = b.heartbeat;
    this.clock = b.clock;
    this.listener = b.listener;
  }

  public static IdempotencyConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  /** A builder starting from this config's values. */
  public Builder toBuilder() {
    return new Builder()
        .retention(retention)
        .lease(lease)
        .attemptTimeLimit(attemptTimeLimit)
        .waitForInProgress(inProgressWait)
        .inProgressPollInterval(inProgressPollInterval)
        .mismatchPolicy(mismatchPolicy)
        .failurePolicy(failurePolicy)
        .heartbeat(heartbeat)
        .clock(clock)
        .listener(listener);
  }

  /** How long a completed result is kept for replay. Default 24 h (Stripe's). */
  public Duration retention() {
    return retention;
  }

  /** How long an attempt holds the key before a retry may take it over. Default 60 s. */
  public Duration lease() {
    return lease;
  }

  /**
   * The longest an attempt may hold its key, from {@code begin} to a stored completion. Past it the
   * heartbeat stops extending the lease, a completion the store has not taken is no longer retried,
   * and the listener is told ({@link IdempotencyListener#onAttemptTimedOut}); the lease then expires
   * and a retry may take the key over. Default 10 min.
   */
  public Duration attemptTimeLimit() {
    return attemptTimeLimit;
  }

  /** How long a duplicate waits for a running attempt before answering in-progress. Default 0: fail fast. */
  public Duration inProgressWait() {
    return inProgressWait;
  }

  /** The longest pause between a polling waiter's reads (it starts at 1 ms and doubles up to this). */
  public Duration inProgressPollInterval() {
    return inProgressPollInterval;
  }

  public MismatchPolicy mismatchPolicy() {
    return mismatchPolicy;
  }

  public FailurePolicy failurePolicy() {
    return failurePolicy;
  }

  public HeartbeatMode heartbeat() {
    return heartbeat;
  }

  public Clock clock() {
    return clock;
  }

  public IdempotencyListener listener() {
    return listener;
  }

  @Override
  public String toString() {
    return "IdempotencyConfig[retention=" + retention + ", lease=" + lease + ", attemptTimeLimit=" + attemptTimeLimit
        + ", inProgressWait=" + inProgressWait + ", inProgressPollInterval=" + inProgressPollInterval
        + ", mismatch=" + mismatchPolicy + ", failure=" + failurePolicy + ", heartbeat=" + heartbeat
        + ", clock=" + clock + ", listener=" + listener + "]";
  }

  /** Builds an {@link IdempotencyConfig}. */
  public static final class Builder {
    private Duration retention = DEFAULT_RETENTION;
    private Duration lease = DEFAULT_LEASE;
    private Duration attemptTimeLimit = DEFAULT_ATTEMPT_TIME_LIMIT;
    private Duration inProgressWait = Duration.ZERO;
    private Duration inProgressPollInterval = Duration.ofMillis(20);
    private MismatchPolicy mismatchPolicy = MismatchPolicy.REJECT;
    private FailurePolicy failurePolicy = FailurePolicy.RELEASE;
    private HeartbeatMode heartbeat = HeartbeatMode.AUTO;
    private Clock clock = Clock.systemUTC();
    private IdempotencyListener listener = IdempotencyListener.NOOP;

    private Builder() {}

    public Builder retention(Duration retention) {
      this.retention = atLeastOneMilli("retention", retention);
      return this;
    }

    public Builder lease(Duration lease) {
      this.lease = atLeastOneMilli("lease", lease);
      return this;
    }

    /** The longest an attempt may hold its key, heartbeat and completion retries included. Default 10 min. */
    public Builder attemptTimeLimit(Duration limit) {
      this.attemptTimeLimit = atLeastOneMilli("attemptTimeLimit", limit);
      return this;
    }

    /** Wait up to this long for a running attempt to finish, then replay its result. Zero fails fast. */
    public Builder waitForInProgress(Duration wait) {
      Objects.requireNonNull(wait, "waitForInProgress");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("waitForInProgress must not be negative, was " + wait);
      }
      this.inProgressWait = wait;
      return this;
    }

    /**
     * The longest pause between the reads of a duplicate that polls (a store without signals, or
     * whose signal channel is down): the pauses start at 1 ms and double up to this. Default 20 ms.
     */
    public Builder inProgressPollInterval(Duration interval) {
      this.inProgressPollInterval = atLeastOneMilli("inProgressPollInterval", interval);
      return this;
    }

    public Builder mismatchPolicy(MismatchPolicy policy) {
      this.mismatchPolicy = Objects.requireNonNull(policy, "mismatchPolicy");
      return this;
    }

    public Builder failurePolicy(FailurePolicy policy) {
      this.failurePolicy = Objects.requireNonNull(policy, "failurePolicy");
      return this;
    }

    public Builder heartbeat(HeartbeatMode mode) {
      this.heartbeat = Objects.requireNonNull(mode, "heartbeat");
      return this;
    }

    /** The clock for lease bookkeeping; stores with a server clock use theirs for expiry. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder listener(IdempotencyListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public IdempotencyConfig build() {
      if (retention.compareTo(lease) < 0) {
        throw new IllegalArgumentException("retention (" + retention + ") must be at least the lease (" + lease
            + "): a result kept for less time than an attempt may run would let a slow retry run twice");
      }
      if (attemptTimeLimit.compareTo(lease) < 0) {
        throw new IllegalArgumentException("attemptTimeLimit (" + attemptTimeLimit + ") must be at least the lease ("
            + lease + "): an attempt could otherwise never use the lease it was given");
      }
      return new IdempotencyConfig(this);
    }

    private static Duration atLeastOneMilli(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.toMillis() < 1) {
        throw new IllegalArgumentException(name + " must be at least 1 ms, was " + value);
      }
      return value;
    }
  }
}
