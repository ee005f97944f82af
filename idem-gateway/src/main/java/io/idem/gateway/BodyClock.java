package io.idem.gateway;

import io.idem.jetty.ServerLimits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request body's progress: the bytes read so far and its clock. The body may take the body timeout
 * plus a second per minimum rate's worth of the bytes it has sent; past that, {@code expired} runs (408
 * or a closed connection).
 * The timer is only set for a body still on its way: one handed over within the read that started the
 * clock costs no timer. All on the connection's event loop.
 */
final class BodyClock {

  private final ChannelHandlerContext ctx;
  private final ServerLimits limits;
  private final Runnable expired;
  private long bytes;
  private long startNanos;
  private boolean running;
  private ScheduledFuture<?> timer;

  BodyClock(ChannelHandlerContext ctx, ServerLimits limits, Runnable expired) {
    this.ctx = ctx;
    this.limits = limits;
    this.expired = expired;
  }

  /** A new request: no byte of its body read yet. */
  void reset() {
    bytes = 0;
  }

  void count(int read) {
    bytes += read;
  }

  long bytes() {
    return bytes;
  }

  /** Starts counting and timing from zero; {@link #armIfRunning()} after the read it started. */
  void start() {
    bytes = 0;
    startNanos = System.nanoTime();
    running = true;
  }

  /** Sets the timer when the body did not all arrive with the read that started the clock. */
  void armIfRunning() {
    if (running && timer == null && ctx.channel().isActive()) {
      check();
    }
  }

  void stop() {
    running = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void check() {
    long allowed = limits.bodyTimeout().toNanos()
        + TimeUnit.SECONDS.toNanos(1) * bytes / Math.max(1, limits.minBodyBytesPerSecond());
    long left = startNanos + allowed - System.nanoTime();
    if (left <= 0) {
      timer = null;
      expired.run();
      return;
    }
    timer = ctx.executor().schedule(this::check, left, TimeUnit.NANOSECONDS);
  }
}
