package io.idem;

import io.idem.IdempotencyConfig.HeartbeatMode;
import io.idem.IdempotencyConfig.MismatchPolicy;
import io.idem.IdempotencyListener.OutcomeKind;
import io.idem.IdempotencyListener.StoreOperation;
import io.idem.spi.IdempotencyStore;
import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The engine: runs work at most once per {@link IdempotencyKey} and answers every retry with the
 * stored result. All decisions live here (fingerprint comparison, replay, waiting, failure
 * handling); the {@link IdempotencyStore} only provides atomic primitives.
 *
 * <p>Two ways in:
 * <ul>
 *   <li>{@link #execute(IdempotencyKey, Fingerprint, Work, ResultCodec)} runs the work and returns an
 *       {@link Outcome}: for message consumers and services;</li>
 *   <li>{@link #begin(IdempotencyKey, Fingerprint)} returns an {@link Admission}; on
 *       {@link Admission.Proceed} the caller runs the work and finishes the {@link Attempt}: for HTTP
 *       layers that produce the result themselves.</li>
 * </ul>
 *
 * <p>Thread-safe. Close it to stop the lease heartbeat thread; closing does not close the store.
 */
public final class Idempotency implements AutoCloseable {

  private final IdempotencyStore store;
  private final IdempotencyConfig config;
  private final IdempotencyListener listener;
  private final String storeName;
  private final LeaseHeartbeat heartbeat;

  private Idempotency(IdempotencyStore store, IdempotencyConfig config) {
    this.store = Objects.requireNonNull(store, "store");
    this.config = Objects.requireNonNull(config, "config");
    this.listener = config.listener();
    this.storeName = store.getClass().getSimpleName();
    LeaseExtendingStore extending = store instanceof LeaseExtendingStore s ? s : null;
    if (config.heartbeat() == HeartbeatMode.REQUIRED && extending == null) {
      throw new IllegalArgumentException("heartbeat is REQUIRED but " + storeName
          + " cannot extend leases (it is not a LeaseExtendingStore)");
    }
    this.heartbeat = new LeaseHeartbeat(this, config.heartbeat() == HeartbeatMode.OFF ? null : extending,
        config.lease().toMillis());
  }

  /** An engine with {@link IdempotencyConfig#ofDefaults()}. */
  public static Idempotency create(IdempotencyStore store) {
    return new Idempotency(store, IdempotencyConfig.ofDefaults());
  }

  public static Idempotency create(IdempotencyStore store, IdempotencyConfig config) {
    return new Idempotency(store, config);
  }

  public IdempotencyConfig config() {
    return config;
  }

  public IdempotencyStore store() {
    return store;
  }

  /**
   * Runs {@code work} unless this key already ran: then returns the stored result. A duplicate that
   * arrives while the first attempt runs waits up to {@link IdempotencyConfig#inProgressWait()} and
   * then gets {@link Outcome.InProgress}.
   *
   * <p>When the work throws, the key is released (or the failure stored, by policy) and the exception
   * is rethrown: unchecked ones as they are, checked ones in a {@link WorkFailedException}.
   */
  public <T> Outcome<T> execute(IdempotencyKey key, Fingerprint fingerprint, Work<T> work, ResultCodec<T> codec) {
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(codec, "codec");
    Admission admission = begin(key, fingerprint);
    if (admission instanceof Admission.Proceed proceed) {
      return run(proceed.attempt(), work, codec);
    }
    return outcomeOf(admission, codec);
  }

  /**
   * The {@link Outcome} that an admission other than {@link Admission.Proceed} stands for: for layers
   * that run the work their own way (in a transaction, say) and answer duplicates like
   * {@link #execute} does.
   *
   * @throws IllegalArgumentException for a {@link Admission.Proceed}, which has no outcome until the work ran
   */
  public static <T> Outcome<T> outcomeOf(Admission admission, ResultCodec<T> codec) {
    if (admission instanceof Admission.Replay replay) {
      return new Outcome.Replayed<>(codec.decode(replay.payload()));
    }
    if (admission instanceof Admission.ReplayFailure failure) {
      return new Outcome.ReplayedFailure<>(failure.exceptionType(), failure.message());
    }
    if (admission instanceof Admission.InProgress) {
      return new Outcome.InProgress<>();
    }
    if (admission instanceof Admission.Mismatch) {
      return new Outcome.Mismatch<>();
    }
    throw new IllegalArgumentException("a proceeding admission has no outcome until its work ran: " + admission);
  }

  /** {@link #execute(IdempotencyKey, Fingerprint, Work, ResultCodec)} for work that returns bytes. */
  public Outcome<byte[]> execute(IdempotencyKey key, Fingerprint fingerprint, Work<byte[]> work) {
    return execute(key, fingerprint, work, ResultCodec.bytes());
  }

  private <T> Outcome<T> run(Attempt attempt, Work<T> work, ResultCodec<T> codec) {
    T value;
    byte[] encoded;
    try {
      value = work.run();
      encoded = codec.encode(value);
    } catch (Throwable failure) {
      attempt.fail(failure);
      throw WorkFailedException.propagate(attempt.key(), failure);
    }
    return new Outcome.Executed<>(value, attempt.complete(encoded));
  }

  /**
   * Decides what to do with a request: proceed (this caller now holds the key and must finish the
   * attempt), replay, in progress or mismatch.
   *
   * @throws StoreUnavailableException when the store cannot answer: fail closed, do not run the work
   */
  public Admission begin(IdempotencyKey key, Fingerprint fingerprint) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    // Waiting is bounded in real time on the caller's thread, whatever clock leases use.
    long waitNanos = config.inProgressWait().toNanos();
    long deadline = waitNanos == 0 ? 0 : System.nanoTime() + waitNanos;
    while (true) {
      LeaseToken token = LeaseToken.random();
      Reservation reservation = call(StoreOperation.RESERVE,
          () -> store.reserve(key, fingerprint, token, config.lease()));
      if (reservation instanceof Reservation.Acquired) {
        Attempt attempt = new Attempt(this, key, token, config.clock().millis());
        heartbeat.register(attempt);
        notifyOutcome(key, OutcomeKind.EXECUTED);
        return new Admission.Proceed(attempt);
      }
      StoredRecord existing = ((Reservation.Found) reservation).record();
      if (config.mismatchPolicy() == MismatchPolicy.REJECT && !existing.fingerprint().equals(fingerprint)) {
        notifyOutcome(key, OutcomeKind.MISMATCH);
        return new Admission.Mismatch();
      }
      if (existing instanceof StoredRecord.Completed completed) {
        notifyOutcome(key, OutcomeKind.REPLAYED);
        ResultEnvelope.Content content = ResultEnvelope.decode(completed.result());
        if (content instanceof ResultEnvelope.Failure failure) {
          return new Admission.ReplayFailure(failure.exceptionType(), failure.message());
        }
        return new Admission.Replay(((ResultEnvelope.Value) content).payload());
      }
      long remaining = deadline - System.nanoTime();
      if (waitNanos == 0 || remaining <= 0) {
        notifyOutcome(key, OutcomeKind.IN_PROGRESS);
        return new Admission.InProgress();
      }
      if (!pause(Math.min(remaining, config.inProgressPollInterval().toNanos()))) {
        notifyOutcome(key, OutcomeKind.IN_PROGRESS);
        return new Admission.InProgress();
      }
    }
  }

  /** Removes every record of a namespace (tests, operators). */
  public long purge(String namespace) {
    IdempotencyKey.validateNamespace(namespace);
    return call(StoreOperation.PURGE, () -> store.purge(namespace));
  }

  /** Forgets one key, whatever its state (operators). */
  public boolean forget(IdempotencyKey key) {
    return call(StoreOperation.DELETE, () -> store.delete(key));
  }

  boolean complete(Attempt attempt, byte[] envelope) {
    boolean stored = call(StoreOperation.COMPLETE,
        () -> store.complete(attempt.key(), attempt.token(), envelope, config.retention()));
    if (!stored) {
      leaseLost(attempt.key());
    }
    return stored;
  }

  boolean release(Attempt attempt) {
    boolean released = call(StoreOperation.RELEASE, () -> store.release(attempt.key(), attempt.token()));
    if (!released) {
      leaseLost(attempt.key());
    }
    return released;
  }

  boolean extend(LeaseExtendingStore extending, Attempt attempt) {
    boolean extended = call(StoreOperation.EXTEND,
        () -> extending.extend(attempt.key(), attempt.token(), config.lease()));
    if (extended) {
      safely(() -> listener.onLeaseExtended(attempt.key()));
    } else {
      leaseLost(attempt.key());
    }
    return extended;
  }

  LeaseHeartbeat heartbeat() {
    return heartbeat;
  }

  private void leaseLost(IdempotencyKey key) {
    safely(() -> listener.onLeaseLost(key));
  }

  private void notifyOutcome(IdempotencyKey key, OutcomeKind kind) {
    safely(() -> listener.onOutcome(key, kind));
  }

  /** Times a store call for the listener and turns anything unexpected into StoreUnavailableException. */
  private <R> R call(StoreOperation operation, Supplier<R> storeCall) {
    long start = System.nanoTime();
    boolean failed = true;
    try {
      R result = storeCall.get();
      failed = false;
      return result;
    } catch (IdempotencyException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreUnavailableException(storeName, operation.name().toLowerCase(java.util.Locale.ROOT),
          e.toString(), e);
    } finally {
      long nanos = System.nanoTime() - start;
      boolean f = failed;
      safely(() -> listener.onStoreCall(operation, nanos, f));
    }
  }

  private static boolean pause(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void safely(Runnable notification) {
    try {
      notification.run();
    } catch (RuntimeException ignored) {
      // A listener must never change an outcome.
    }
  }

  /** Stops the lease heartbeat. Does not close the store: the caller owns it. */
  @Override
  public void close() {
    heartbeat.close();
  }
}
