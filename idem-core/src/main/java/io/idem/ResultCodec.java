package io.idem;

import java.nio.charset.StandardCharsets;

/**
 * Turns a work's result into the bytes a store keeps, and back for a replay. Decoding must accept
 * everything encoding produced, across application restarts and versions.
 */
public interface ResultCodec<T> {

  byte[] encode(T value);

  T decode(byte[] bytes);

  /** Bytes as they are. */
  static ResultCodec<byte[]> bytes() {
    return Codecs.BYTES;
  }

  /** Strings as UTF-8. */
  static ResultCodec<String> utf8() {
    return Codecs.UTF8;
  }

  /** The built-in codecs; a holder so the interface stays free of state. */
  final class Codecs {
    private Codecs() {}

    static final ResultCodec<byte[]> BYTES = new ResultCodec<>() {
      @Override
      public byte[] encode(byte[] value) {
        return value;
      }

      @Override
      public byte[] decode(byte[] bytes) {
        return bytes;
      }
    };

    static final ResultCodec<String> UTF8 = new ResultCodec<>() {
      @Override
      public byte[] encode(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
      }
    };
  }
}
