package io.idem.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * The body of a keyed request, gathered whole before the decision (it is part of the request's
 * fingerprint), up to the limit of a fingerprinted body. Its buffer is pooled until {@link #take()} or
 * {@link #release()}.
 */
final class GatheredBody {

  private final ByteBuf bytes;
  private final int limit;

  GatheredBody(ByteBufAllocator allocator, int limit) {
    this.bytes = allocator.heapBuffer();
    this.limit = limit;
  }

  int limit() {
    return limit;
  }

  /** Adds the next piece; false, adding nothing, when the body would grow past the limit. */
  boolean add(ByteBuf piece) {
    if (bytes.readableBytes() + piece.readableBytes() > limit) {
      return false;
    }
    bytes.writeBytes(piece);
    return true;
  }

  /** The whole body; the buffer is released. */
  byte[] take() {
    byte[] body = ByteBufUtil.getBytes(bytes);
    bytes.release();
    return body;
  }

  void release() {
    bytes.release();
  }
}
