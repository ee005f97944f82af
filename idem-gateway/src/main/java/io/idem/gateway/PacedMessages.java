package io.idem.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The decoder hands over every message it finds in the bytes read, asked for or not: those not asked
 * for yet wait here, in order, so that a connection takes one step of one request at a time (with
 * {@code autoRead} off, nothing more is read from the socket until this queue is empty and a step asks).
 */
final class PacedMessages {

  private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
  private final ChannelHandlerContext ctx;
  private final Consumer<Object> step;
  private boolean wanted;

  /** {@code step} takes each message of the connection of {@code ctx} when it is asked for. */
  PacedMessages(ChannelHandlerContext ctx, Consumer<Object> step) {
    this.ctx = ctx;
    this.step = step;
  }

  /** A message from the decoder: taken now if one was asked for, else kept for the next {@link #pull}. */
  void received(Object msg) {
    if (!wanted) {
      pending.add(msg);
      return;
    }
    wanted = false;
    step.accept(msg);
  }

  /** Asks for the next message: one already decoded, or a read from the socket. */
  void pull() {
    Object next = pending.poll();
    if (next != null) {
      step.accept(next);
    } else {
      wanted = true;
      ctx.read();
    }
  }

  /** The connection closed: what was never asked for is released. */
  void releaseAll() {
    for (Object msg = pending.poll(); msg != null; msg = pending.poll()) {
      ReferenceCountUtil.release(msg);
    }
  }
}
