package io.idem;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt that holds a key's lease, from {@link Idempotency#begin} until exactly one of
 * {@link #complete}, {@link #completeExceptionally} or {@link #abandon}. Calling a second one is a
 * programming error and throws {@link IllegalStateException}.
 */
public final class Attempt {

  private final Idempotency engine;
  private final IdempotencyKey key;
  private final LeaseToken token;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile long leaseRenewedAtMillis;
  private volatile boolean leaseLost;

  Attempt(Idempotency engine, IdempotencyKey key, LeaseToken token, long startedAtMillis) {
    this.engine = engine;
    this.key = key;
    this.token = token;
    this.leaseRenewedAtMillis = startedAtMillis;
  }

  public IdempotencyKey key() {
    return key;
  }

  public LeaseToken token() {
    return token;
  }

  /**
   * Stores the result for replay and ends the attempt. Returns false when the lease was lost (it
   * expired and another attempt took the key over): the result was not stored, the listener was told.
   */
  public boolean complete(byte[] result) {
    finish();
    return engine.complete(this, ResultEnvelope.value(result));
  }

  /** Stores the failure (type and message) for replay, as {@link IdempotencyConfig.FailurePolicy#STORE} does. */
  public boolean completeExceptionally(Throwable failure) {
    finish();
    return engine.complete(this, ResultEnvelope.failure(failure.getClass().getName(), failure.getMessage()));
  }

  /** Releases the key without a result, so that a retry runs the work again. */
  public boolean abandon() {
    finish();
    return engine.release(this);
  }

  /**
   * Ends the attempt after its work threw, as the engine's {@link IdempotencyConfig.FailurePolicy}
   * says: release the key (default), or store the failure for replay. A store error while doing so is
   * attached to {@code failure} as suppressed: the work's own failure is what the caller must see, and
   * the lease expires on its own.
   */
  public void fail(Throwable failure) {
    try {
      if (engine.config().failurePolicy() == IdempotencyConfig.FailurePolicy.STORE && failure instanceof Exception) {
        completeExceptionally(failure);
      } else {
        abandon();
      }
    } catch (RuntimeException storeFailure) {
      failure.addSuppressed(storeFailure);
    }
  }

  /** Whether complete, completeExceptionally, abandon or fail was called. */
  public boolean isFinished() {
    return finished.get();
  }

  /** Whether the heartbeat found the lease lost while the work ran. */
  public boolean leaseLost() {
    return leaseLost;
  }

  long leaseRenewedAtMillis() {
    return leaseRenewedAtMillis;
  }

  void leaseRenewed(long atMillis) {
    this.leaseRenewedAtMillis = atMillis;
  }

  void markLeaseLost() {
    this.leaseLost = true;
  }

  private void finish() {
    if (!finished.compareAndSet(false, true)) {
      throw new IllegalStateException("attempt for " + key + " is already finished");
    }
    engine.heartbeat().unregister(this);
  }

  @Override
  public String toString() {
    return "Attempt[" + key + ", " + token + "]";
  }
}
