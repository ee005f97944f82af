package io.idem.jetty;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Bounds how long a request body may keep its reader waiting: at most {@code allowance} in total,
 * plus one second for every {@code minBytesPerSecond} bytes received (Apache's {@code mod_reqtimeout}
 * {@code body=..,MinRate=..}). Past that, the read fails with an {@link IOException} caused by a 408
 * {@link BadMessageException}, so the thread blocked in a servlet's {@code read()} is freed, the
 * application can answer, and the connection is closed (its body was never finished). A body trickled
 * a byte at a time runs out, a body that stops short of its {@code Content-Length} runs out, a body at
 * a decent rate never does.
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
    DeadlineRequest timed = new DeadlineRequest(request);
    return super.handle(timed, response, new Callback() {
      @Override
      public void succeeded() {
        timed.closeIfCut();
        callback.succeeded();
      }

      @Override
      public void failed(Throwable failure) {
        timed.closeIfCut();
        callback.failed(failure);
      }

      @Override
      public InvocationType getInvocationType() {
        return callback.getInvocationType();
      }
    });
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
      if (chunk == null) {
        return null;
      }
      if (Content.Chunk.isFailure(chunk) && chunk.getFailure() instanceof TimeoutException) {
        // Ours or the connection's idle timeout: either way the body did not arrive in time.
        return fail();
      }
      bytesRead += chunk.remaining();
      return chunk;
    }

    /**
     * While the reader waits, the connection's idle timeout is the time the body has left, so Jetty
     * itself fails the pending read when it runs out; a timer of our own would leave Jetty a demand
     * that outlives the request. The connection's own timeout is put back when the wait ends.
     */
    @Override
    public void demand(Runnable onContentAvailable) {
      long remaining = remainingNanos();
      if (failure != null || remaining <= 0) {
        fail();
        getComponents().getExecutor().execute(onContentAvailable);
        return;
      }
      EndPoint endPoint = getConnectionMetaData().getConnection().getEndPoint();
      long idleTimeout = endPoint.getIdleTimeout();
      long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining));
      if (idleTimeout <= 0 || remainingMillis < idleTimeout) {
        endPoint.setIdleTimeout(remainingMillis);
      }
      long since = System.nanoTime();
      super.demand(Invocable.from(invocationType(onContentAvailable), () -> {
        endPoint.setIdleTimeout(idleTimeout);
        waitedNanos.addAndGet(System.nanoTime() - since);
        onContentAvailable.run();
      }));
    }

    /**
     * When the handler is done (its answer written), a connection whose body was cut is closed at
     * once, before Jetty completes the exchange, rather than half-closed and drained: the client may
     * still be trickling, and Jetty 12.0 keeps the timed-out read's fill interest, which would fire for
     * a request that is gone ({@code NullPointerException} in {@code AdaptiveExecutionStrategy}, "Read
     * pending ... prevented ReadCallback").
     */
    void closeIfCut() {
      if (failure != null) {
        getConnectionMetaData().getConnection().getEndPoint().close();
      }
    }

    private long remainingNanos() {
      return allowanceNanos + bytesRead * 1_000_000_000L / minBytesPerSecond - waitedNanos.get();
    }

    /** The callback's own type, so a non-blocking one may still run inline; some report none. */
    private static Invocable.InvocationType invocationType(Runnable callback) {
      Invocable.InvocationType type = Invocable.getInvocationType(callback);
      return type == null ? Invocable.InvocationType.BLOCKING : type;
    }

    private Content.Chunk fail() {
      if (failure == null) {
        // An IOException, as ServletInputStream.read promises (Jetty rethrows runtime failures as they are),
        // carrying the 408 for whoever maps failures to statuses.
        failure = Content.Chunk.from(new IOException("request body arrived too slowly",
            new BadMessageException(408, "request body arrived too slowly")), true);
      }
      return failure;
    }
  }
}
