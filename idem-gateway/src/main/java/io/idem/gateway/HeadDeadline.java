package io.idem.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request line and headers take longer than the header timeout to arrive
 * (slowloris: a header byte every few seconds would keep the idle timeout from ever firing). It sits
 * before the HTTP decoder and starts its clock at the first byte of a request; the connection's handler
 * stops it when the head is decoded and rearms it when the connection is ready for its next request.
 * The idle time between requests does not count: the idle timeout covers it.
 */
final class HeadDeadline extends ChannelInboundHandlerAdapter {

  private final long timeoutNanos;
  private ChannelHandlerContext ctx;
  private boolean awaitingHead = true;
  private ScheduledFuture<?> timer;

  HeadDeadline(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // A head that arrives whole is decoded and handed on within this call: no clock is needed for it.
    ctx.fireChannelRead(msg);
    if (awaitingHead && timer == null && ctx.channel().isActive()) {
      timer = ctx.executor().schedule(() -> {
        timer = null;
        ctx.close();
      }, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The head is in: its clock stops. Called on the connection's event loop. */
  void headArrived() {
    awaitingHead = false;
    cancel();
  }

  /** The connection waits for its next request: the clock starts again at its first byte. */
  void awaitNextHead() {
    awaitingHead = true;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
