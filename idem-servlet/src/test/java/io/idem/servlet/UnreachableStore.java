package io.idem.servlet;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.BlockingStore;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.time.Duration;
import java.util.Optional;

/**
 * The store's side of an outage, as every Idem store reports it after its timeout: the filter, not
 * this store, is under test.
 */
final class UnreachableStore extends BlockingStore {

  private static StoreUnavailableException down(String operation) {
    return new StoreUnavailableException("unreachable", operation, "connection refused", null);
  }

  @Override
  public Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Duration lease) {
    throw down("reserve");
  }

  @Override
  public boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    throw down("complete");
  }

  @Override
  public boolean release(IdempotencyKey key, LeaseToken token) {
    throw down("release");
  }

  @Override
  public Optional<StoredRecord> find(IdempotencyKey key) {
    throw down("find");
  }

  @Override
  public boolean delete(IdempotencyKey key) {
    throw down("delete");
  }

  @Override
  public long purge(String namespace) {
    throw down("purge");
  }

  @Override
  public void close() {}
}
