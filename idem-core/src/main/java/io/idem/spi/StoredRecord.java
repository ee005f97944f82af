package io.idem.spi;

import io.idem.Fingerprint;
import java.util.Arrays;
import java.util.Objects;

/**
 * A live record under a key: either an attempt holding a lease, or a completed result kept for its
 * retention. Expired records are never returned by a store: they are absent.
 */
public sealed interface StoredRecord permits StoredRecord.InProgress, StoredRecord.Completed {

  /** The fingerprint the first attempt reserved with; a completed record keeps it. */
  Fingerprint fingerprint();

  /** An attempt holds the key and its lease has not expired. */
  record InProgress(Fingerprint fingerprint) implements StoredRecord {
    public InProgress {
      Objects.requireNonNull(fingerprint, "fingerprint");
    }
  }

  /**
   * The attempt completed; {@code result} holds exactly the bytes passed to
   * {@link IdempotencyStore#complete}. The array is the caller's to keep: stores hand out a copy.
   */
  record Completed(Fingerprint fingerprint, byte[] result) implements StoredRecord {
    public Completed {
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(result, "result");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Completed other && fingerprint.equals(other.fingerprint)
          && Arrays.equals(result, other.result);
    }

    @Override
    public int hashCode() {
      return fingerprint.hashCode() * 31 + Arrays.hashCode(result);
    }

    @Override
    public String toString() {
      return "Completed[" + fingerprint + ", " + result.length + " bytes]";
    }
  }
}
