package io.idem.jdbc;

import io.idem.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the asynchronous calls of a store that opened its own pool run: as many threads as the pool
 * has connections, so that no more calls than connections are ever in flight. More callers than
 * connections made HikariCP hand each returned connection over in a loop of {@code Thread.yield()}
 * calls, which on a small machine burned the CPU the database and the callers needed (1,000 woken
 * waiters on a pool of 10 waited 150 ms at the median). A call waits in this queue instead, and one
 * that waited longer than the store's timeout fails without taking a connection
 * ({@link #failIfQueuedLongerThan}).
 */
final class PoolSizedExecutor implements Executor, AutoCloseable {

  private static final AtomicInteger POOLS = new AtomicInteger();
  /** When the call running on this executor thread was queued (0 between calls); unset on any other thread. */
  private static final ThreadLocal<long[]> QUEUED_AT = new ThreadLocal<>();

  private final ThreadPoolExecutor threads;

  PoolSizedExecutor(int connections) {
    int pool = POOLS.incrementAndGet();
    AtomicInteger count = new AtomicInteger();
    threads = new ThreadPoolExecutor(connections, connections, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(task, "idem-jdbc-" + pool + "-call-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    threads.allowCoreThreadTimeOut(true);
  }

  @Override
  public void execute(Runnable call) {
    long queued = System.nanoTime();
    threads.execute(() -> {
      long[] at = QUEUED_AT.get();
      if (at == null) {
        at = new long[1];
        QUEUED_AT.set(at);
      }
      at[0] = queued;
      try {
        call.run();
      } finally {
        at[0] = 0;
      }
    });
  }

  /** How long the call running on this thread waited in the queue; 0 when it did not come through one. */
  static long queuedNanos() {
    long[] at = QUEUED_AT.get();
    return at == null || at[0] == 0 ? 0 : System.nanoTime() - at[0];
  }

  /** Fails the call running on this thread if it waited in the queue longer than {@code timeout}. */
  static void failIfQueuedLongerThan(Duration timeout, String store) {
    if (queuedNanos() > timeout.toNanos()) {
      throw new StoreUnavailableException(store, "call", "waited longer than the store timeout (" + timeout
          + ") for one of the pool's connections", null);
    }
  }

  @Override
  public void close() {
    threads.shutdown();
  }
}
