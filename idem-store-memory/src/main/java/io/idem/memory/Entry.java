package io.idem.memory;

import com.github.benmanes.caffeine.cache.Expiry;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.StoredRecord;

/**
 * A record with its absolute deadline on the store's ticker. Immutable: every change is a new
 * entry, so an entry handed back unchanged by a compute keeps its deadline.
 */
final class Entry {
  final Fingerprint fingerprint;
  final LeaseToken token; // null once completed
  final byte[] result; // null while in progress
  final long deadline;

  Entry(Fingerprint fingerprint, LeaseToken token, byte[] result, long deadline) {
    this.fingerprint = fingerprint;
    this.token = token;
    this.result = result;
    this.deadline = deadline;
  }

  boolean heldBy(LeaseToken candidate) {
    return token != null && token.equals(candidate);
  }

  StoredRecord toRecord() {
    return result == null
        ? new StoredRecord.InProgress(fingerprint)
        : new StoredRecord.Completed(fingerprint, result.clone());
  }

  /** Expires each entry at its own deadline; a read does not move it. */
  static final class DeadlineExpiry implements Expiry<IdempotencyKey, Entry> {
    @Override
    public long expireAfterCreate(IdempotencyKey key, Entry entry, long currentTime) {
      return Math.max(0, entry.deadline - currentTime);
    }

    @Override
    public long expireAfterUpdate(IdempotencyKey key, Entry entry, long currentTime, long currentDuration) {
      return Math.max(0, entry.deadline - currentTime);
    }

    @Override
    public long expireAfterRead(IdempotencyKey key, Entry entry, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
