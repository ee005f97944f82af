package io.idem.benchmarks.waits;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.IdempotencyStore;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A store with its signals hidden: the same store, same server, same calls, but not a
 * {@link io.idem.spi.SignallingStore}, so the engine polls its waiters as it did before decision 0015.
 * The benchmark's reference for what the signals gain. Leaves closing to the store's owner.
 */
final class PollingOnly implements IdempotencyStore {

  private final IdempotencyStore store;

  PollingOnly(IdempotencyStore store) {
    this.store = store;
  }

  @Override
  public Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Duration lease) {
    return store.reserve(key, fingerprint, token, lease);
  }

  @Override
  public boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    return store.complete(key, token, result, retention);
  }

  @Override
  public boolean release(IdempotencyKey key, LeaseToken token) {
    return store.release(key, token);
  }

  @Override
  public Optional<StoredRecord> find(IdempotencyKey key) {
    return store.find(key);
  }

  @Override
  public boolean delete(IdempotencyKey key) {
    return store.delete(key);
  }

  @Override
  public long purge(String namespace) {
    return store.purge(namespace);
  }

  @Override
  public CompletionStage<Reservation> reserveAsync(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease) {
    return store.reserveAsync(key, fingerprint, token, lease);
  }

  @Override
  public CompletionStage<Boolean> completeAsync(IdempotencyKey key, LeaseToken token, byte[] result,
      Duration retention) {
    return store.completeAsync(key, token, result, retention);
  }

  @Override
  public CompletionStage<Boolean> releaseAsync(IdempotencyKey key, LeaseToken token) {
    return store.releaseAsync(key, token);
  }

  @Override
  public CompletionStage<Optional<StoredRecord>> findAsync(IdempotencyKey key) {
    return store.findAsync(key);
  }

  @Override
  public String toString() {
    return "PollingOnly[" + store + "]";
  }
}
