package io.idem.nats;

import io.idem.CorruptRecordException;
import io.idem.Fingerprint;
import io.idem.LeaseToken;
import io.idem.spi.StoredRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of one entry in the bucket, format version 1:
 *
 * <pre>
 * offset  size  field
 * 0       4     magic "IDEM"
 * 4       1     format version (1)
 * 5       1     state: 'P' in progress, 'C' completed
 * 6       16    lease token of the attempt that reserved the key
 * 22      32    request fingerprint (SHA-256)
 * 54      8     lifetime in milliseconds, big-endian: the lease ('P') or the retention ('C')
 * 62      n     result bytes (completed records only)
 * </pre>
 *
 * <p>The lifetime counts from the server's timestamp of the entry, so one clock starts every lease
 * (decision 0502): the record is live while {@code timestamp + lifetime} is ahead of the reader's
 * clock.
 */
final class RecordLayout {

  static final byte[] MAGIC = "IDEM".getBytes(StandardCharsets.US_ASCII);
  static final byte VERSION = 1;
  static final byte IN_PROGRESS = 'P';
  static final byte COMPLETED = 'C';

  private static final int STATE_OFFSET = MAGIC.length + 1;
  private static final int TOKEN_OFFSET = STATE_OFFSET + 1;
  private static final int FINGERPRINT_OFFSET = TOKEN_OFFSET + LeaseToken.LENGTH;
  private static final int LIFETIME_OFFSET = FINGERPRINT_OFFSET + Fingerprint.LENGTH;
  static final int HEADER_LENGTH = LIFETIME_OFFSET + Long.BYTES;

  private RecordLayout() {}

  /** What an entry holds once read: the record, its holder's token and how long it lives. */
  record Decoded(byte state, LeaseToken token, Fingerprint fingerprint, long lifetimeMillis, byte[] result) {

    boolean inProgress() {
      return state == IN_PROGRESS;
    }

    /** Whether the record is still live at {@code nowMillis}, given the server's timestamp of its entry. */
    boolean liveAt(long timestampMillis, long nowMillis) {
      return nowMillis - timestampMillis < lifetimeMillis;
    }

    StoredRecord record() {
      return inProgress() ? new StoredRecord.InProgress(fingerprint) : new StoredRecord.Completed(fingerprint, result);
    }
  }

  static byte[] inProgress(LeaseToken token, Fingerprint fingerprint, long leaseMillis) {
    return header(IN_PROGRESS, token, fingerprint, leaseMillis, 0).array();
  }

  static byte[] completed(LeaseToken token, Fingerprint fingerprint, long retentionMillis, byte[] result) {
    return header(COMPLETED, token, fingerprint, retentionMillis, result.length).put(result).array();
  }

  private static ByteBuffer header(byte state, LeaseToken token, Fingerprint fingerprint, long lifetimeMillis,
      int resultLength) {
    return ByteBuffer.allocate(HEADER_LENGTH + resultLength)
        .put(MAGIC).put(VERSION).put(state).put(token.bytes()).put(fingerprint.bytes()).putLong(lifetimeMillis);
  }

  /**
   * Reads an entry back.
   *
   * @param natsKey the key it was read from, named in the exception when the bytes are not an Idem
   *     record of a version this code reads
   */
  static Decoded decode(byte[] value, String natsKey) {
    if (value == null || value.length < HEADER_LENGTH || !Arrays.equals(value, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw corrupt(natsKey, "it does not start with an Idem header (" + (value == null ? 0 : value.length)
          + " bytes)");
    }
    if (value[MAGIC.length] != VERSION) {
      throw corrupt(natsKey, "it has format version " + (value[MAGIC.length] & 0xff) + "; this Idem reads version "
          + VERSION);
    }
    byte state = value[STATE_OFFSET];
    if ((state != IN_PROGRESS || value.length != HEADER_LENGTH) && state != COMPLETED) {
      throw corrupt(natsKey, "its state byte is " + (state & 0xff) + " with " + value.length + " bytes");
    }
    ByteBuffer buffer = ByteBuffer.wrap(value);
    long lifetime = buffer.getLong(LIFETIME_OFFSET);
    if (lifetime <= 0) {
      throw corrupt(natsKey, "its lifetime is " + lifetime + " ms");
    }
    return new Decoded(state,
        LeaseToken.fromBytes(Arrays.copyOfRange(value, TOKEN_OFFSET, FINGERPRINT_OFFSET)),
        Fingerprint.fromBytes(Arrays.copyOfRange(value, FINGERPRINT_OFFSET, LIFETIME_OFFSET)),
        lifetime,
        state == COMPLETED ? Arrays.copyOfRange(value, HEADER_LENGTH, value.length) : null);
  }

  static CorruptRecordException corrupt(String natsKey, String why) {
    return new CorruptRecordException("the NATS key-value entry under '" + natsKey
        + "' is not a readable Idem record: " + why
        + ". Another program may be writing into Idem's bucket; delete the key or give Idem a bucket of its own.");
  }
}
