package io.idem.memory;

import com.github.benmanes.caffeine.cache.Expiry;
import io.idem.Fingerprint;
import io.idem.LeaseToken;
import io.idem.spi.StoredRecord;
import java.util.Arrays;

/**
 * A record with its absolute deadline on the store's ticker. Immutable: every change is a new
 * entry, so an entry handed back unchanged by a compute keeps its deadline.
 *
 * <p>The fingerprint and the result share one array ({@link Fingerprint#LENGTH} bytes of fingerprint,
 * then the result), so a completed record is two objects, not four: a full store under load spends
 * its collector's time copying young records, in proportion to their objects.
 */
final class Entry {
  private final byte[] fingerprintAndResult;
  final LeaseToken token; // null once completed
  final long deadline;

  private Entry(byte[] fingerprintAndResult, LeaseToken token, long deadline) {
    this.fingerprintAndResult = fingerprintAndResult;
    this.token = token;
    this.deadline = deadline;
  }

  static Entry inProgress(Fingerprint fingerprint, LeaseToken token, long deadline) {
    return new Entry(fingerprint.bytes(), token, deadline);
  }

  /** This attempt's record completed with a copy of {@code result}. */
  Entry completed(byte[] result, long newDeadline) {
    byte[] both = new byte[Fingerprint.LENGTH + result.length];
    System.arraycopy(fingerprintAndResult, 0, both, 0, Fingerprint.LENGTH);
    System.arraycopy(result, 0, both, Fingerprint.LENGTH, result.length);
    return new Entry(both, null, newDeadline);
  }

  /** The same attempt, held until {@code newDeadline}. */
  Entry extended(long newDeadline) {
    return new Entry(fingerprintAndResult, token, newDeadline);
  }

  boolean heldBy(LeaseToken candidate) {
    return token != null && token.equals(candidate);
  }

  boolean isCompleted() {
    return token == null;
  }

  Fingerprint fingerprint() {
    return Fingerprint.fromBytes(Arrays.copyOf(fingerprintAndResult, Fingerprint.LENGTH));
  }

  /** A copy of the result; only for a completed record. */
  byte[] result() {
    return Arrays.copyOfRange(fingerprintAndResult, Fingerprint.LENGTH, fingerprintAndResult.length);
  }

  StoredRecord toRecord() {
    return isCompleted()
        ? new StoredRecord.Completed(fingerprint(), result())
        : new StoredRecord.InProgress(fingerprint());
  }

  /** Expires each entry at its own deadline; a read does not move it. */
  static final class DeadlineExpiry implements Expiry<String, Entry> {
    @Override
    public long expireAfterCreate(String key, Entry entry, long currentTime) {
      return Math.max(0, entry.deadline - currentTime);
    }

    @Override
    public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
      return Math.max(0, entry.deadline - currentTime);
    }

    @Override
    public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
