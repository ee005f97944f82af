package io.idem;

import io.idem.IdempotencyConfig.HeartbeatMode;
import io.idem.IdempotencyConfig.MismatchPolicy;
import io.idem.IdempotencyListener.OutcomeKind;
import io.idem.IdempotencyListener.StoreOperation;
import io.idem.spi.IdempotencyStore;
import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.ObservedStore;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.spi.TransactionalCompletion;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The engine: runs work at most once per {@link IdempotencyKey} and answers every retry with the
 * stored result. All decisions live here (fingerprint comparison, replay, waiting, failure policy,
 * what a stored result means, retrying a completion the store did not take); the
 * {@link IdempotencyStore} only provides atomic primitives, and adapters (HTTP, transactions) only
 * translate.
 *
 * <p>Ways in, each blocking or asynchronous, on one decision function:
 * <ul>
 *   <li>{@link #execute}/{@link #executeAsync} run the work and return an {@link Outcome}: for message
 *       consumers and services;</li>
 *   <li>{@link #executeInTransaction} runs the work in a store transaction that also stores its
 *       result (JDBC);</li>
 *   <li>{@link #begin}/{@link #beginAsync} return an {@link Admission}; on {@link Admission.Proceed}
 *       the caller runs the work and finishes the {@link Attempt}: for HTTP layers.</li>
 * </ul>
 *
 * <p>Thread-safe. Close it to stop its lease keeper thread; closing does not close the store.
 */
public final class Idempotency implements AutoCloseable {

  private final IdempotencyStore store;
  private final IdempotencyConfig config;
  private final IdempotencyListener listener;
  private final StoreCalls calls;
  private final LeaseExtendingStore extending;
  private final LeaseKeeper keeper;
  private final AttemptFinisher finisher;

  private Idempotency(IdempotencyStore store, IdempotencyConfig config, boolean keeperTicks) {
    this.store = Objects.requireNonNull(store, "store");
    this.config = Objects.requireNonNull(config, "config");
    this.listener = config.listener();
    this.calls = new StoreCalls(store.getClass().getSimpleName(), listener);
    LeaseExtendingStore canExtend = store instanceof LeaseExtendingStore s ? s : null;
    if (config.heartbeat() == HeartbeatMode.REQUIRED && canExtend == null) {
      throw new IllegalArgumentException("heartbeat is REQUIRED but " + store.getClass().getSimpleName()
          + " cannot extend leases (it is not a LeaseExtendingStore)");
    }
    this.extending = config.heartbeat() == HeartbeatMode.OFF ? null : canExtend;
    this.keeper = new LeaseKeeper(this, extending != null, config, keeperTicks);
    this.finisher = new AttemptFinisher(store, extending, config, calls, keeper);
    if (store instanceof ObservedStore observed) {
      observed.subscribe(listener);
    }
  }

  /** An engine with {@link IdempotencyConfig#ofDefaults()}. */
  public static Idempotency create(IdempotencyStore store) {
    return new Idempotency(store, IdempotencyConfig.ofDefaults(), true);
  }

  public static Idempotency create(IdempotencyStore store, IdempotencyConfig config) {
    return new Idempotency(store, config, true);
  }

  /** An engine whose lease keeper runs only when a test calls {@code keeper().runOnce()}. */
  static Idempotency createWithoutKeeperTicks(IdempotencyStore store, IdempotencyConfig config) {
    return new Idempotency(store, config, false);
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
   * <p>When the work throws, the attempt is settled as the {@link IdempotencyConfig.FailurePolicy} says and the
   * exception is rethrown: unchecked ones as they are, checked ones in a {@link WorkFailedException}.
   *
   * @throws StoreUnavailableException when the store cannot answer the reservation: the work did not run
   */
  public <T> Outcome<T> execute(IdempotencyKey key, Fingerprint fingerprint, Work<T> work, ResultCodec<T> codec) {
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(codec, "codec");
    Admission admission = begin(key, fingerprint);
    if (!(admission instanceof Admission.Proceed proceed)) {
      return outcomeOf(admission, codec);
    }
    Attempt attempt = proceed.attempt();
    T value;
    byte[] encoded;
    try {
      value = work.run();
      encoded = codec.encode(value);
    } catch (Throwable failure) {
      attempt.fail(failure);
      throw WorkFailedException.propagate(key, failure);
    }
    return new Outcome.Executed<>(value, attempt.complete(encoded));
  }

  /** {@link #execute(IdempotencyKey, Fingerprint, Work, ResultCodec)} for work that returns bytes. */
  public Outcome<byte[]> execute(IdempotencyKey key, Fingerprint fingerprint, Work<byte[]> work) {
    return execute(key, fingerprint, work, ResultCodec.bytes());
  }

  /**
   * {@link #execute} without blocking: the stage completes with the outcome, or fails with what
   * {@code execute} would throw. The work's own stage runs wherever it runs; the engine adds no thread.
   */
  public <T> CompletionStage<Outcome<T>> executeAsync(IdempotencyKey key, Fingerprint fingerprint, AsyncWork<T> work,
      ResultCodec<T> codec) {
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(codec, "codec");
    return beginAsync(key, fingerprint).thenCompose(admission -> {
      if (!(admission instanceof Admission.Proceed proceed)) {
        return CompletableFuture.completedFuture(outcomeOf(admission, codec));
      }
      Attempt attempt = proceed.attempt();
      CompletionStage<T> running;
      try {
        running = work.run();
      } catch (Throwable failure) {
        running = CompletableFuture.failedFuture(failure);
      }
      return running.handle((value, thrown) -> this.<T>finishRun(attempt, value, thrown, codec))
          .thenCompose(stage -> stage);
    });
  }

  private <T> CompletionStage<Outcome<T>> finishRun(Attempt attempt, T value, Throwable thrown, ResultCodec<T> codec) {
    if (thrown != null) {
      return failed(attempt, StoreCalls.unwrap(thrown));
    }
    byte[] encoded;
    try {
      encoded = codec.encode(value);
    } catch (RuntimeException failure) {
      return failed(attempt, failure);
    }
    return attempt.completeAsync(encoded).thenApply(completion -> new Outcome.Executed<>(value, completion));
  }

  private static <T> CompletionStage<Outcome<T>> failed(Attempt attempt, Throwable failure) {
    return attempt.failAsync(failure).thenApply(completion -> {
      throw WorkFailedException.propagate(attempt.key(), failure);
    });
  }

  /**
   * Runs {@code work} in a transaction of the store's that also stores its result, so the work's
   * writes and its record commit together or not at all; duplicates are answered as {@link #execute}
   * answers them. The key is reserved first in the store's own short transaction (the lease is
   * visible to every instance at once); the transaction is closed before any other store call.
   *
   * @throws LeaseLostException when the lease was lost before the commit: nothing was written
   * @throws StoreUnavailableException when the store fails; if the commit failed, the key is released
   *     unless the commit happened after all
   */
  public <C, T> Outcome<T> executeInTransaction(IdempotencyKey key, Fingerprint fingerprint,
      TransactionalCompletion<C> transactions, TransactionalWork<C, T> work, ResultCodec<T> codec) {
    Objects.requireNonNull(transactions, "transactions");
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(codec, "codec");
    Admission admission = begin(key, fingerprint);
    if (!(admission instanceof Admission.Proceed proceed)) {
      return outcomeOf(admission, codec);
    }
    return new TransactionalFlow<>(this, transactions, proceed.attempt()).run(work, codec);
  }

  /**
   * The {@link Outcome} that an admission other than {@link Admission.Proceed} stands for: for layers
   * that run the work their own way and answer duplicates like {@link #execute} does.
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
    if (admission instanceof Admission.ReplayWithoutResult notKept) {
      return new Outcome.ReplayedWithoutResult<>(notKept.summary());
    }
    if (admission instanceof Admission.InProgress) {
      return new Outcome.InProgress<>();
    }
    if (admission instanceof Admission.Mismatch) {
      return new Outcome.Mismatch<>();
    }
    throw new IllegalArgumentException("a proceeding admission has no outcome until its work ran: " + admission);
  }

  /**
   * Decides what to do with a request: proceed (this caller now holds the key and must finish the
   * attempt), replay, in progress or mismatch. A duplicate of a running attempt waits up to
   * {@link IdempotencyConfig#inProgressWait()}.
   *
   * @throws StoreUnavailableException when the store cannot answer: fail closed, do not run the work
   */
  public Admission begin(IdempotencyKey key, Fingerprint fingerprint) {
    return begin(key, fingerprint, config.inProgressWait());
  }

  /**
   * {@link #begin(IdempotencyKey, Fingerprint)} with this request's own wait for a running attempt
   * (an HTTP client's {@code Prefer: wait}, say) instead of the configured one. On a
   * {@link io.idem.spi.SignallingStore} the wait ends as soon as the store signals the key; otherwise
   * it polls.
   */
  public Admission begin(IdempotencyKey key, Fingerprint fingerprint, Duration wait) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    long deadline = deadline(wait);
    LeaseToken token = LeaseToken.random();
    Reservation reservation = calls.call(StoreOperation.RESERVE,
        () -> store.reserve(key, fingerprint, token, config.lease()));
    Admission admission = admit(key, fingerprint, token, reservation);
    if (admission instanceof Admission.InProgress && deadline != 0) {
      return StoreCalls.await(new DuplicateWait(this, key, fingerprint, deadline).start());
    }
    return settled(key, admission);
  }

  /**
   * {@link #begin} without blocking: the stage completes with the admission or fails with
   * {@link StoreUnavailableException}. A wait for a running attempt holds no thread.
   */
  public CompletionStage<Admission> beginAsync(IdempotencyKey key, Fingerprint fingerprint) {
    return beginAsync(key, fingerprint, config.inProgressWait());
  }

  /** {@link #begin(IdempotencyKey, Fingerprint, Duration)} without blocking. */
  public CompletionStage<Admission> beginAsync(IdempotencyKey key, Fingerprint fingerprint, Duration wait) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    long deadline = deadline(wait);
    LeaseToken token = LeaseToken.random();
    return calls.callAsync(StoreOperation.RESERVE, () -> store.reserveAsync(key, fingerprint, token, config.lease()))
        .thenCompose(reservation -> {
          Admission admission = admit(key, fingerprint, token, reservation);
          if (admission instanceof Admission.InProgress && deadline != 0) {
            return new DuplicateWait(this, key, fingerprint, deadline).start();
          }
          return CompletableFuture.completedFuture(settled(key, admission));
        });
  }

  /** One asynchronous reserve, decided: what {@link DuplicateWait} reads each time it looks again. */
  CompletionStage<Admission> reserveAndAdmit(IdempotencyKey key, Fingerprint fingerprint) {
    LeaseToken token = LeaseToken.random();
    return calls.callAsync(StoreOperation.RESERVE, () -> store.reserveAsync(key, fingerprint, token, config.lease()))
        .thenApply(reservation -> admit(key, fingerprint, token, reservation));
  }

  /** The one decision function: what a reservation's answer means for this request. */
  Admission admit(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Reservation reservation) {
    if (reservation instanceof Reservation.Acquired) {
      Attempt attempt = new Attempt(this, key, token, config.clock().millis());
      keeper.began(attempt);
      return new Admission.Proceed(attempt);
    }
    return admitFound(fingerprint, ((Reservation.Found) reservation).record());
  }

  /** What a live record found under the key means for a request with {@code fingerprint}. */
  Admission admitFound(Fingerprint fingerprint, StoredRecord existing) {
    if (config.mismatchPolicy() == MismatchPolicy.REJECT && !existing.fingerprint().equals(fingerprint)) {
      return new Admission.Mismatch();
    }
    if (existing instanceof StoredRecord.Completed completed) {
      ResultEnvelope.Content content = ResultEnvelope.decode(completed.result());
      if (content instanceof ResultEnvelope.Failure failure) {
        return new Admission.ReplayFailure(failure.exceptionType(), failure.message());
      }
      if (content instanceof ResultEnvelope.NotKept notKept) {
        return new Admission.ReplayWithoutResult(notKept.summary());
      }
      return new Admission.Replay(((ResultEnvelope.Value) content).payload());
    }
    return new Admission.InProgress();
  }

  /** Tells the listener what a request came to, once it is final. */
  Admission settled(IdempotencyKey key, Admission admission) {
    OutcomeKind kind;
    if (admission instanceof Admission.Proceed) {
      kind = OutcomeKind.EXECUTED;
    } else if (admission instanceof Admission.InProgress) {
      kind = OutcomeKind.IN_PROGRESS;
    } else if (admission instanceof Admission.Mismatch) {
      kind = OutcomeKind.MISMATCH;
    } else {
      kind = OutcomeKind.REPLAYED;
    }
    safely(() -> listener.onOutcome(key, kind));
    return admission;
  }

  /** {@link System#nanoTime()} by which a duplicate stops waiting; 0 when it does not wait. */
  private static long deadline(Duration wait) {
    Objects.requireNonNull(wait, "wait");
    if (wait.isNegative()) {
      throw new IllegalArgumentException("wait must not be negative, was " + wait);
    }
    long waitNanos = wait.toNanos();
    return waitNanos == 0 ? 0 : System.nanoTime() + waitNanos;
  }

  IdempotencyListener listener() {
    return listener;
  }

  /** Removes every record of a namespace (tests, operators). */
  public long purge(String namespace) {
    IdempotencyKey.validateNamespace(namespace);
    return calls.call(StoreOperation.PURGE, () -> store.purge(namespace));
  }

  /** Forgets one key, whatever its state (operators). */
  public boolean forget(IdempotencyKey key) {
    return calls.call(StoreOperation.DELETE, () -> store.delete(key));
  }

  LeaseKeeper keeper() {
    return keeper;
  }

  AttemptFinisher finisher() {
    return finisher;
  }

  StoreCalls calls() {
    return calls;
  }

  static void safely(Runnable notification) {
    try {
      notification.run();
    } catch (RuntimeException ignored) {
      // A listener must never change an outcome.
    }
  }

  /** Stops the lease keeper and unsubscribes from the store's events. Does not close the store: the caller owns it. */
  @Override
  public void close() {
    keeper.close();
    if (store instanceof ObservedStore observed) {
      observed.unsubscribe(listener);
    }
  }
}
