package io.idem.redis;

import io.idem.CorruptRecordException;
import io.idem.Fingerprint;
import io.idem.LeaseToken;
import io.idem.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes Idem keeps under one Redis key, format version 1:
 *
 * <pre>
 * offset  size  field
 * 0       4     magic "IDEM"
 * 4       1     format version (1)
 * 5       1     state: 'P' in progress, 'C' completed
 * 6       16    lease token of the attempt that reserved the key
 * 22      32    request fingerprint (SHA-256)
 * 54      n     result bytes (completed records only)
 * </pre>
 *
 * <p>The fixed header lets the Lua scripts fence with one string comparison: an in-progress record
 * held by token {@code t} starts with exactly {@link #heldPrefix(LeaseToken)}. Completing flips the
 * state byte and appends the result, so the fingerprint stays where the reservation wrote it.
 */
final class RecordLayout {

  static final byte[] MAGIC = "IDEM".getBytes(StandardCharsets.US_ASCII);
  static final byte VERSION = 1;
  static final byte IN_PROGRESS = 'P';
  static final byte COMPLETED = 'C';

  static final int STATE_OFFSET = MAGIC.length + 1;
  static final int TOKEN_OFFSET = STATE_OFFSET + 1;
  static final int FINGERPRINT_OFFSET = TOKEN_OFFSET + LeaseToken.LENGTH;
  static final int HEADER_LENGTH = FINGERPRINT_OFFSET + Fingerprint.LENGTH;
  static final int HELD_PREFIX_LENGTH = FINGERPRINT_OFFSET;

  private RecordLayout() {}

  /** The value a reservation writes: an in-progress record held by {@code token}. */
  static byte[] inProgress(Fingerprint fingerprint, LeaseToken token) {
    byte[] value = Arrays.copyOf(heldPrefix(token), HEADER_LENGTH);
    System.arraycopy(fingerprint.bytes(), 0, value, FINGERPRINT_OFFSET, Fingerprint.LENGTH);
    return value;
  }

  /** Magic, version, the in-progress state and the token: what a live lease held by {@code token} starts with. */
  static byte[] heldPrefix(LeaseToken token) {
    byte[] prefix = new byte[HELD_PREFIX_LENGTH];
    System.arraycopy(MAGIC, 0, prefix, 0, MAGIC.length);
    prefix[MAGIC.length] = VERSION;
    prefix[STATE_OFFSET] = IN_PROGRESS;
    System.arraycopy(token.bytes(), 0, prefix, TOKEN_OFFSET, LeaseToken.LENGTH);
    return prefix;
  }

  /**
   * Reads a value back.
   *
   * @param redisKey the key it was read from, named in the exception when the bytes are not an Idem
   *     record of a version this code reads
   */
  static StoredRecord decode(byte[] value, String redisKey) {
    if (value.length < HEADER_LENGTH || !Arrays.equals(value, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw corrupt(redisKey, "it does not start with an Idem header (" + value.length + " bytes)");
    }
    if (value[MAGIC.length] != VERSION) {
      throw corrupt(redisKey, "it has format version " + (value[MAGIC.length] & 0xff)
          + "; this Idem reads version " + VERSION);
    }
    Fingerprint fingerprint = Fingerprint.fromBytes(
        Arrays.copyOfRange(value, FINGERPRINT_OFFSET, HEADER_LENGTH));
    byte state = value[STATE_OFFSET];
    if (state == IN_PROGRESS && value.length == HEADER_LENGTH) {
      return new StoredRecord.InProgress(fingerprint);
    }
    if (state == COMPLETED) {
      return new StoredRecord.Completed(fingerprint, Arrays.copyOfRange(value, HEADER_LENGTH, value.length));
    }
    throw corrupt(redisKey, "its state byte is " + (state & 0xff) + " with " + value.length + " bytes");
  }

  /**
   * The completed record {@code message} holds, when it is one (a completion's signal), else null (a
   * word such as {@code released}, or bytes this code does not read: the waiter then reads the key).
   */
  static StoredRecord.Completed completedOrNull(byte[] message) {
    if (message.length < HEADER_LENGTH || message[STATE_OFFSET] != COMPLETED || message[MAGIC.length] != VERSION
        || !Arrays.equals(message, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return null;
    }
    return (StoredRecord.Completed) decode(message, "");
  }

  static CorruptRecordException corrupt(String redisKey, String why) {
    return new CorruptRecordException("the Redis value under key '" + redisKey
        + "' is not a readable Idem record: " + why
        + ". Another program may be writing under Idem's key prefix; delete the key or change the prefix.");
  }
}
