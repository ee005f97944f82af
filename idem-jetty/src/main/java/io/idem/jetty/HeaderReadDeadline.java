package io.idem.jetty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1 connection whose request line and headers take longer than {@code timeout} to
 * arrive (slowloris: a header byte every few seconds keeps the idle timeout from ever firing). The
 * idle time between two requests of a kept-alive connection does not count; the idle timeout covers it.
 *
 * <p>Jetty 12.0 has no such deadline, so a sweep looks at each connection's parser a few times per
 * timeout. The parser is only reachable through {@code HttpConnection}, from Jetty's
 * {@code internal} package: a Jetty upgrade that moves it breaks the compile, and
 * {@code ServerLimitsTest} checks the behaviour, so the break cannot go unnoticed.
 */
final class HeaderReadDeadline implements Connection.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(HeaderReadDeadline.class);

  /** When the current request head started arriving, identified by the connection's request count. */
  private record Head(long requestsBefore, long sinceNanos) {}

  private static final Head IDLE = new Head(-1, 0);

  private final long timeoutNanos;
  private final long sweepNanos;
  private final Scheduler scheduler;
  private final Map<HttpConnection, Head> connections = new ConcurrentHashMap<>();
  private volatile Scheduler.Task next;
  private volatile boolean running;

  HeaderReadDeadline(long timeoutNanos, Scheduler scheduler) {
    this.timeoutNanos = timeoutNanos;
    this.sweepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(TimeUnit.SECONDS.toNanos(1),
        timeoutNanos / 4));
    this.scheduler = scheduler;
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      connections.put(http, IDLE);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    if (connection instanceof HttpConnection http) {
      connections.remove(http);
    }
  }

  /**
   * The sweep's life cycle, for the server to manage. Kept apart from the listener, which every
   * connector holds as a bean and would otherwise start and stop once each.
   */
  LifeCycle sweeper() {
    return new AbstractLifeCycle() {
      @Override
      protected void doStart() {
        running = true;
        schedule();
      }

      @Override
      protected void doStop() {
        running = false;
        Scheduler.Task task = next;
        if (task != null) {
          task.cancel();
        }
      }
    };
  }

  private void schedule() {
    if (running) {
      next = scheduler.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void sweep() {
    try {
      long now = System.nanoTime();
      List<HttpConnection> late = new ArrayList<>();
      connections.replaceAll((http, head) -> next(http, head, now, late));
      // Closed outside replaceAll: closing calls onClosed, which removes from the map.
      for (HttpConnection http : late) {
        LOG.debug("closing {}: its request headers took longer than {} ms", http,
            TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        http.getEndPoint().close();
      }
    } catch (RuntimeException e) {
      LOG.warn("header read deadline sweep failed", e);
    } finally {
      schedule();
    }
  }

  private Head next(HttpConnection http, Head head, long now, List<HttpConnection> late) {
    HttpParser parser = http.getParser();
    if (!parser.inHeaderState() || parser.isStart()) {
      return IDLE;
    }
    long requests = http.getMessagesIn();
    if (head.requestsBefore() != requests) {
      return new Head(requests, now);
    }
    if (now - head.sinceNanos() >= timeoutNanos) {
      late.add(http);
      return IDLE;
    }
    return head;
  }
}
