package io.idem;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the engine hands a store on completion: a 4-byte header ('I' 'E', version 1, kind) then the
 * work's encoded result (kind 0), or, when failures are stored, the failure's type and message
 * (kind 1), or, for a result too large to keep, the caller's short summary of it (kind 2). The header
 * lets a replay tell them apart and reject bytes Idem did not write. Kinds are stored data: never
 * renumber them.
 */
final class ResultEnvelope {

  private static final byte MAGIC_0 = 'I';
  private static final byte MAGIC_1 = 'E';
  private static final byte VERSION = 1;
  private static final byte KIND_VALUE = 0;
  private static final byte KIND_FAILURE = 1;
  private static final byte KIND_NOT_KEPT = 2;
  private static final int HEADER = 4;

  private ResultEnvelope() {}

  /** A decoded envelope. */
  sealed interface Content permits Value, Failure, NotKept {}

  record Value(byte[] payload) implements Content {}

  record Failure(String exceptionType, String message) implements Content {}

  record NotKept(byte[] summary) implements Content {}

  static byte[] value(byte[] payload) {
    return withHeader(KIND_VALUE, payload);
  }

  static byte[] notKept(byte[] summary) {
    return withHeader(KIND_NOT_KEPT, summary);
  }

  private static byte[] withHeader(byte kind, byte[] payload) {
    byte[] out = new byte[HEADER + payload.length];
    out[0] = MAGIC_0;
    out[1] = MAGIC_1;
    out[2] = VERSION;
    out[3] = kind;
    System.arraycopy(payload, 0, out, HEADER, payload.length);
    return out;
  }

  static byte[] failure(String exceptionType, String message) {
    byte[] type = exceptionType.getBytes(StandardCharsets.UTF_8);
    byte[] text = (message == null ? "" : message).getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(HEADER + 4 + type.length + text.length);
    out.put(MAGIC_0).put(MAGIC_1).put(VERSION).put(KIND_FAILURE);
    out.putInt(type.length).put(type).put(text);
    return out.array();
  }

  static Content decode(byte[] bytes) {
    if (bytes.length < HEADER || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
      throw new CorruptRecordException("stored result was not written by the Idem engine ("
          + bytes.length + " bytes, no 'IE' header)");
    }
    if (bytes[2] != VERSION) {
      throw new CorruptRecordException("stored result has envelope version " + (bytes[2] & 0xff)
          + "; this Idem reads version " + VERSION);
    }
    switch (bytes[3]) {
      case KIND_VALUE:
        return new Value(java.util.Arrays.copyOfRange(bytes, HEADER, bytes.length));
      case KIND_NOT_KEPT:
        return new NotKept(java.util.Arrays.copyOfRange(bytes, HEADER, bytes.length));
      case KIND_FAILURE: {
        ByteBuffer in = ByteBuffer.wrap(bytes, HEADER, bytes.length - HEADER);
        int typeLength = in.remaining() >= 4 ? in.getInt() : -1;
        if (typeLength < 0 || typeLength > in.remaining()) {
          throw new CorruptRecordException("stored failure is truncated");
        }
        String type = new String(bytes, HEADER + 4, typeLength, StandardCharsets.UTF_8);
        int textStart = HEADER + 4 + typeLength;
        String message = new String(bytes, textStart, bytes.length - textStart, StandardCharsets.UTF_8);
        return new Failure(type, message);
      }
      default:
        throw new CorruptRecordException("stored result has unknown kind " + bytes[3]);
    }
  }
}
