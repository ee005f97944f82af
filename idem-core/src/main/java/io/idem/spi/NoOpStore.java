package io.idem.spi;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A store that remembers nothing: every reserve is granted, every completion accepted, nothing is
 * ever found. Every request runs. For tests, and as a kill switch that turns Idem off without
 * removing it.
 */
public final class NoOpStore implements LeaseExtendingStore {

  public static final NoOpStore INSTANCE = new NoOpStore();

  private NoOpStore() {}

  @Override
  public Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Duration lease) {
    return Reservation.acquired(token);
  }

  @Override
  public boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    return true;
  }

  @Override
  public boolean release(IdempotencyKey key, LeaseToken token) {
    return true;
  }

  @Override
  public boolean extend(IdempotencyKey key, LeaseToken token, Duration lease) {
    return true;
  }

  @Override
  public Optional<StoredRecord> find(IdempotencyKey key) {
    return Optional.empty();
  }

  @Override
  public boolean delete(IdempotencyKey key) {
    return false;
  }

  @Override
  public long purge(String namespace) {
    return 0;
  }

  @Override
  public CompletionStage<Reservation> reserveAsync(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease) {
    return CompletableFuture.completedFuture(reserve(key, fingerprint, token, lease));
  }

  @Override
  public CompletionStage<Boolean> completeAsync(IdempotencyKey key, LeaseToken token, byte[] result,
      Duration retention) {
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public CompletionStage<Boolean> releaseAsync(IdempotencyKey key, LeaseToken token) {
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public CompletionStage<Boolean> extendAsync(IdempotencyKey key, LeaseToken token, Duration lease) {
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public CompletionStage<Optional<StoredRecord>> findAsync(IdempotencyKey key) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  @Override
  public String toString() {
    return "NoOpStore";
  }
}
