package io.idem.spi;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The adapter for a store whose client can only block (JDBC, say): implement the blocking primitives,
 * and the asynchronous ones run them on an {@link Executor}, so a caller of {@code reserveAsync} never
 * blocks. The stage fails with exactly what the blocking call threw.
 *
 * <p>The executor is {@link #defaultExecutor()} unless the subclass passes its own: on JDK 21 and
 * later a virtual thread per call, on JDK 17 a shared pool of daemon threads. Each call stays bounded
 * by the store's own timeout; the executor adds no timeout of its own.
 *
 * <p>A subclass that also implements {@link LeaseExtendingStore} writes its {@code extendAsync} as
 * {@code supplyAsync(() -> extend(key, token, lease))}.
 */
public abstract class BlockingStore implements IdempotencyStore {

  private final Executor executor;

  /** Runs the asynchronous calls on {@link #defaultExecutor()}. */
  protected BlockingStore() {
    this(defaultExecutor());
  }

  protected BlockingStore(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** The executor the asynchronous calls of stores built without one run on; shared by every such store. */
  public static Executor defaultExecutor() {
    return BlockingCallExecutor.INSTANCE;
  }

  @Override
  public CompletionStage<Reservation> reserveAsync(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease) {
    return supplyAsync(() -> reserve(key, fingerprint, token, lease));
  }

  @Override
  public CompletionStage<Boolean> completeAsync(IdempotencyKey key, LeaseToken token, byte[] result,
      Duration retention) {
    return supplyAsync(() -> complete(key, token, result, retention));
  }

  @Override
  public CompletionStage<Boolean> releaseAsync(IdempotencyKey key, LeaseToken token) {
    return supplyAsync(() -> release(key, token));
  }

  @Override
  public CompletionStage<Optional<StoredRecord>> findAsync(IdempotencyKey key) {
    return supplyAsync(() -> find(key));
  }

  /** Runs one blocking call on the store's executor; the stage fails with what it threw. */
  protected final <T> CompletionStage<T> supplyAsync(Supplier<T> blockingCall) {
    return CompletableFuture.supplyAsync(blockingCall, executor);
  }
}
