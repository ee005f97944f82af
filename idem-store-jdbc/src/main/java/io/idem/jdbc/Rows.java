package io.idem.jdbc;

import io.idem.Fingerprint;
import io.idem.spi.StoredRecord;

/** Turns stored columns into records; a NULL result means the attempt is still in progress. */
final class Rows {

  private Rows() {}

  static StoredRecord record(byte[] fingerprint, byte[] result) {
    Fingerprint print = Fingerprint.fromBytes(fingerprint);
    return result == null ? new StoredRecord.InProgress(print) : new StoredRecord.Completed(print, result);
  }
}
