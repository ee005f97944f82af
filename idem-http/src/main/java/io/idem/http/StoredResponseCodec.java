package io.idem.http;

import io.idem.CorruptRecordException;
import io.idem.ResultCodec;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Version 1 of the stored response format, big-endian:
 * <pre>
 *   magic   2 bytes  'I' 'R'
 *   version 1 byte   1
 *   status  2 bytes
 *   count   2 bytes  number of headers
 *   count × (name length 2 bytes, name UTF-8, value length 4 bytes, value UTF-8)
 *   body length 4 bytes, body
 * </pre>
 * Nothing may follow the body. Anything else is rejected with {@link CorruptRecordException}.
 */
final class StoredResponseCodec implements ResultCodec<StoredResponse> {

  static final StoredResponseCodec INSTANCE = new StoredResponseCodec();

  static final byte MAGIC_0 = 'I';
  static final byte MAGIC_1 = 'R';
  static final byte VERSION = 1;

  private StoredResponseCodec() {}

  @Override
  public byte[] encode(StoredResponse response) {
    List<byte[]> names = new ArrayList<>(response.headers().size());
    List<byte[]> values = new ArrayList<>(response.headers().size());
    int size = 2 + 1 + 2 + 2 + 4 + response.body().length;
    if (response.headers().size() > 0xffff) {
      throw new IllegalArgumentException("at most 65535 headers can be stored, got " + response.headers().size());
    }
    for (StoredResponse.Header header : response.headers()) {
      byte[] name = header.name().getBytes(StandardCharsets.UTF_8);
      byte[] value = header.value().getBytes(StandardCharsets.UTF_8);
      if (name.length > 0xffff) {
        throw new IllegalArgumentException("header name longer than 65535 bytes: " + header.name().substring(0, 40));
      }
      names.add(name);
      values.add(value);
      size += 2 + name.length + 4 + value.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(MAGIC_0).put(MAGIC_1).put(VERSION);
    out.putShort((short) response.status());
    out.putShort((short) names.size());
    for (int i = 0; i < names.size(); i++) {
      out.putShort((short) names.get(i).length).put(names.get(i));
      out.putInt(values.get(i).length).put(values.get(i));
    }
    out.putInt(response.body().length).put(response.body());
    return out.array();
  }

  @Override
  public StoredResponse decode(byte[] bytes) {
    if (bytes == null || bytes.length < 3) {
      throw new CorruptRecordException("stored response is truncated: " + (bytes == null ? 0 : bytes.length)
          + " bytes, not even a header");
    }
    if (bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
      throw new CorruptRecordException("not an Idem stored response (bad magic bytes 0x"
          + Integer.toHexString(bytes[0] & 0xff) + " 0x" + Integer.toHexString(bytes[1] & 0xff) + ")");
    }
    if (bytes[2] != VERSION) {
      throw new CorruptRecordException("stored response has format version " + (bytes[2] & 0xff)
          + "; this Idem reads version " + VERSION + " (written by a newer Idem?)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 3, bytes.length - 3);
    try {
      int status = in.getShort() & 0xffff;
      int count = in.getShort() & 0xffff;
      List<StoredResponse.Header> headers = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = utf8(in, in.getShort() & 0xffff);
        String value = utf8(in, in.getInt());
        headers.add(new StoredResponse.Header(name, value));
      }
      byte[] body = take(in, in.getInt());
      if (in.hasRemaining()) {
        throw new CorruptRecordException("stored response has " + in.remaining() + " unexpected bytes after the body");
      }
      return new StoredResponse(status, headers, body);
    } catch (BufferUnderflowException e) {
      throw new CorruptRecordException("stored response is truncated (" + bytes.length + " bytes)", e);
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException("stored response is invalid: " + e.getMessage(), e);
    }
  }

  private static byte[] take(ByteBuffer in, int length) {
    if (length < 0 || length > in.remaining()) {
      throw new CorruptRecordException("stored response announces " + (length & 0xffffffffL)
          + " bytes but only " + in.remaining() + " remain");
    }
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }

  private static String utf8(ByteBuffer in, int length) {
    byte[] raw = take(in, length);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      throw new CorruptRecordException("stored response has a header that is not UTF-8", e);
    }
  }
}
