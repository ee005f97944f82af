package io.idem;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt that holds a key's lease, from {@link Idempotency#begin} until exactly one of
 * {@link #complete}, {@link #completeWithoutResult}, {@link #fail} or {@link #abandon} (or their
 * asynchronous twins). Calling a second one is a programming error and throws
 * {@link IllegalStateException}.
 *
 * <p>None of them throws when the store fails: the result is what matters now, so the engine keeps
 * the key in progress and retries in the background ({@link Completion#RETRYING}), keeping the lease
 * alive, until the store takes it or {@link IdempotencyConfig#attemptTimeLimit()} passes.
 */
public final class Attempt {

  private final Idempotency engine;
  private final IdempotencyKey key;
  private final LeaseToken token;
  private final long startedAtMillis;
  private final AtomicBoolean finished = new AtomicBoolean();
  // What the lease keeper reads and writes while the attempt is held.
  final AtomicBoolean extending = new AtomicBoolean();
  final AtomicBoolean retrying = new AtomicBoolean();
  private volatile long leaseRenewedAtMillis;
  private volatile boolean leaseLost;
  private volatile Finish deferred;

  Attempt(Idempotency engine, IdempotencyKey key, LeaseToken token, long startedAtMillis) {
    this.engine = engine;
    this.key = key;
    this.token = token;
    this.startedAtMillis = startedAtMillis;
    this.leaseRenewedAtMillis = startedAtMillis;
  }

  public IdempotencyKey key() {
    return key;
  }

  public LeaseToken token() {
    return token;
  }

  /** Stores the result for replay and ends the attempt. */
  public Completion complete(byte[] result) {
    return engine.finisher().finish(this, Finish.result(result));
  }

  /** {@link #complete} without blocking the caller. */
  public CompletionStage<Completion> completeAsync(byte[] result) {
    return engine.finisher().finishAsync(this, Finish.result(result));
  }

  /**
   * Ends the attempt whose result was too large to keep: the work must never run again for this key,
   * and retries get {@link Admission.ReplayWithoutResult} with {@code summary} (a few bytes the caller
   * chooses, e.g. the HTTP status that was sent).
   */
  public Completion completeWithoutResult(byte[] summary) {
    return engine.finisher().finish(this, Finish.withoutResult(summary));
  }

  /** {@link #completeWithoutResult} without blocking the caller. */
  public CompletionStage<Completion> completeWithoutResultAsync(byte[] summary) {
    return engine.finisher().finishAsync(this, Finish.withoutResult(summary));
  }

  /**
   * Ends the attempt after its work failed, as the engine's {@link IdempotencyConfig.FailurePolicy}
   * says: release the key (default), or store the failure's type and message for replay. An
   * {@link Error} is never stored: the key is released.
   */
  public Completion fail(Throwable failure) {
    return engine.finisher().finish(this, engine.finisher().failureFinish(failure));
  }

  /** {@link #fail} without blocking the caller. */
  public CompletionStage<Completion> failAsync(Throwable failure) {
    return engine.finisher().finishAsync(this, engine.finisher().failureFinish(failure));
  }

  /** Releases the key without a result, so that a retry runs the work again. */
  public Completion abandon() {
    return engine.finisher().finish(this, Finish.RELEASE);
  }

  /** {@link #abandon} without blocking the caller. */
  public CompletionStage<Completion> abandonAsync() {
    return engine.finisher().finishAsync(this, Finish.RELEASE);
  }

  /** Whether one of the finishing calls was made. */
  public boolean isFinished() {
    return finished.get();
  }

  /** Whether the lease was found lost (by the heartbeat or a fenced finish). */
  public boolean leaseLost() {
    return leaseLost;
  }

  long startedAtMillis() {
    return startedAtMillis;
  }

  long leaseRenewedAtMillis() {
    return leaseRenewedAtMillis;
  }

  void leaseRenewed(long atMillis) {
    this.leaseRenewedAtMillis = atMillis;
  }

  /** Marks the lease lost; false when it already was, so the loss is reported once. */
  synchronized boolean markLeaseLost() {
    boolean first = !leaseLost;
    leaseLost = true;
    return first;
  }

  /** The finish the store has not taken yet, retried by the lease keeper; null when there is none. */
  Finish deferred() {
    return deferred;
  }

  void defer(Finish finish) {
    this.deferred = finish;
  }

  /** Marks the attempt finished; false when it already was. */
  boolean markFinished() {
    return finished.compareAndSet(false, true);
  }

  @Override
  public String toString() {
    return "Attempt[" + key + ", " + token + "]";
  }
}
