package io.idem.nats;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fails the store's calls that outlive its timeout. Every call has the same timeout, so calls reach
 * their deadline in the order they started: a queue in start order, whose head one thread checks a few
 * times per timeout, replaces a scheduled task per call (and the cancelling of it, under a lock, per
 * answer), which cost a measurable share of a pair's client time. A call fails at most one tick after
 * its deadline.
 */
final class Deadlines implements AutoCloseable {

  private record Pending(long deadline, CompletableFuture<?> call) {}

  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
  private final long timeoutNanos;
  private final ScheduledExecutorService ticker;

  Deadlines(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    long tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.MILLISECONDS.toNanos(50),
        timeoutNanos / 10));
    this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "idem-nats-deadlines");
      thread.setDaemon(true);
      return thread;
    });
    ticker.scheduleAtFixedRate(this::expire, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
  }

  /** {@code call}, which fails with TimeoutException if it has not completed within the timeout. */
  <T> CompletableFuture<T> bound(CompletableFuture<T> call) {
    if (!call.isDone()) {
      pending.add(new Pending(System.nanoTime() + timeoutNanos, call));
    }
    return call;
  }

  private void expire() {
    long now = System.nanoTime();
    Pending head;
    while ((head = pending.peek()) != null && (head.call().isDone() || head.deadline() - now <= 0)) {
      pending.poll();
      if (!head.call().isDone()) {
        head.call().completeExceptionally(new TimeoutException());
      }
    }
  }

  /** Stops the ticker; calls still in flight fail as timed out, so nobody waits on a closed store. */
  @Override
  public void close() {
    ticker.shutdownNow();
    Pending head;
    while ((head = pending.poll()) != null) {
      head.call().completeExceptionally(new TimeoutException());
    }
  }
}
