package io.idem.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs N tasks so that they start as close to the same instant as possible (a start gate), and
 * collects their results in thread order. One pool serves many rounds.
 */
public final class RaceTester implements AutoCloseable {

  private final int threads;
  private final ExecutorService pool;

  public RaceTester(int threads) {
    if (threads < 2) {
      throw new IllegalArgumentException("a race needs at least 2 threads, got " + threads);
    }
    this.threads = threads;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "idem-race");
      t.setDaemon(true);
      return t;
    });
  }

  public int threads() {
    return threads;
  }

  /** One round: {@code task.apply(i)} for every thread index i, all released at once. */
  public <T> List<T> race(IntFunction<Callable<T>> task) throws Exception {
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      Callable<T> body = task.apply(i);
      futures.add(pool.submit(() -> {
        ready.countDown();
        go.await();
        return body.call();
      }));
    }
    if (!ready.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("race threads did not start within 30 s");
    }
    go.countDown();
    List<T> results = new ArrayList<>(threads);
    for (Future<T> future : futures) {
      results.add(future.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
