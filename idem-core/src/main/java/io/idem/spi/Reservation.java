package io.idem.spi;

import io.idem.LeaseToken;
import java.util.Objects;

/**
 * What {@link IdempotencyStore#reserve} found. Contention is a value, never an exception.
 */
public sealed interface Reservation permits Reservation.Acquired, Reservation.Found {

  /** The key was absent or expired; the caller now holds it under {@code token}. */
  record Acquired(LeaseToken token) implements Reservation {
    public Acquired {
      Objects.requireNonNull(token, "token");
    }
  }

  /** A live record is there; the store changed nothing. */
  record Found(StoredRecord record) implements Reservation {
    public Found {
      Objects.requireNonNull(record, "record");
    }
  }

  static Reservation acquired(LeaseToken token) {
    return new Acquired(token);
  }

  static Reservation found(StoredRecord record) {
    return new Found(record);
  }
}
