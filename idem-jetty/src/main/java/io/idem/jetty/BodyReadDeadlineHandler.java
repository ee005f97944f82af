package io.idem.jetty;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Bounds how long a request body may keep its reader waiting: at most {@code allowance} in total,
 * plus one second for every {@code minBytesPerSecond} bytes received (Apache's {@code mod_reqtimeout}
 * {@code body=..,MinRate=..}). Past that, the read fails with 408 ({@link BadMessageException}), so the
 * thread blocked in a servlet's {@code read()} is freed, the application can answer, and the
 * connection is closed (its body was never finished).
 *
 * <p>Only time spent waiting for the client counts: an application that reads late, or slowly, is not
 * the client's fault. Jetty 12.0's own {@code MinimumDataRateHandler} counts bytes over the whole
 * server, not per request, and fires only when bytes arrive, so a client that stops sending is not cut.
 */
final class BodyReadDeadlineHandler extends Handler.Wrapper {

  private final long allowanceNanos;
  private final long minBytesPerSecond;

  BodyReadDeadlineHandler(Handler handler, long allowanceNanos, long minBytesPerSecond) {
    super(handler);
    this.allowanceNanos = allowanceNanos;
    this.minBytesPerSecond = minBytesPerSecond;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    return super.handle(new DeadlineRequest(request), response, callback);
  }

  private final class DeadlineRequest extends Request.Wrapper {
    private final AtomicLong waitedNanos = new AtomicLong();
    /** Written by the single reader ({@link Content.Source} allows one), read by the next demand. */
    private volatile long bytesRead;
    private volatile Content.Chunk failure;

    DeadlineRequest(Request request) {
      super(request);
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk failed = failure;
      if (failed != null) {
        return failed;
      }
      Content.Chunk chunk = super.read();
      if (chunk != null) {
        bytesRead += chunk.remaining();
      }
      return chunk;
    }

    @Override
    public void demand(Runnable onContentAvailable) {
      long remaining = allowanceNanos + bytesRead * 1_000_000_000L / minBytesPerSecond - waitedNanos.get();
      if (failure != null || remaining <= 0) {
        fail();
        getComponents().getExecutor().execute(onContentAvailable);
        return;
      }
      long since = System.nanoTime();
      AtomicBoolean answered = new AtomicBoolean();
      Scheduler.Task deadline = getComponents().getScheduler().schedule(() -> {
        if (answered.compareAndSet(false, true)) {
          waitedNanos.addAndGet(System.nanoTime() - since);
          fail();
          // Not on the scheduler's thread: the callback may run application code.
          getComponents().getExecutor().execute(onContentAvailable);
        }
      }, remaining, TimeUnit.NANOSECONDS);
      super.demand(Invocable.from(Invocable.getInvocationType(onContentAvailable), () -> {
        if (answered.compareAndSet(false, true)) {
          deadline.cancel();
          waitedNanos.addAndGet(System.nanoTime() - since);
          onContentAvailable.run();
        }
      }));
    }

    private void fail() {
      if (failure == null) {
        failure = Content.Chunk.from(new BadMessageException(408, "request body arrived too slowly"), true);
      }
    }
  }
}
