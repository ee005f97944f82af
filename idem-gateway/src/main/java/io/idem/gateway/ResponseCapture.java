package io.idem.gateway;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;

/** Copies up to {@code limit} bytes of a response body as it streams by; one more marks it too large to keep. */
final class ResponseCapture {

  private final int limit;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private boolean overflowed;

  ResponseCapture(int limit) {
    this.limit = limit;
  }

  /** Copies the readable bytes of {@code buffer} without moving its reader index. */
  void add(ByteBuf buffer) {
    if (overflowed) {
      return;
    }
    int length = buffer.readableBytes();
    if (length > limit - bytes.size()) {
      overflowed = true;
      return;
    }
    if (length > 0) {
      byte[] copy = new byte[length];
      buffer.getBytes(buffer.readerIndex(), copy);
      bytes.write(copy, 0, length);
    }
  }

  byte[] body() {
    return bytes.toByteArray();
  }

  /** False when the body was longer than the limit: {@link #body()} is then only part of it. */
  boolean complete() {
    return !overflowed;
  }
}
