package io.idem.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Copies up to {@code limit} bytes of a response body as it streams by; one more marks it too large to keep. */
final class ResponseCapture {

  private final int limit;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private boolean overflowed;

  ResponseCapture(int limit) {
    this.limit = limit;
  }

  /** Copies from {@code buffer} without moving its position. */
  void add(ByteBuffer buffer) {
    if (overflowed) {
      return;
    }
    int room = limit - bytes.size();
    int length = buffer.remaining();
    if (length > room) {
      overflowed = true;
      return;
    }
    ByteBuffer view = buffer.duplicate();
    byte[] copy = new byte[length];
    view.get(copy);
    bytes.write(copy, 0, length);
  }

  byte[] body() {
    return bytes.toByteArray();
  }

  /** False when the body was longer than the limit: {@link #body()} is then only part of it. */
  boolean complete() {
    return !overflowed;
  }
}
