package io.idem.benchmarks;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Runs one unit of work (an Idem pair, a raw create) over and over at a fixed concurrency for a fixed
 * time and counts the units that succeeded: either as that many asynchronous chains in flight, each
 * starting its next unit from the last one's answer (no thread of the driver's own waits), or as that
 * many client threads calling a blocking unit in a loop. Any store's load driver can use it.
 */
public final class Chains {

  private Chains() {}

  /** {@code concurrency} chains; {@code unitFor} gives chain {@code i} its unit, called once per unit. */
  public static long runAsync(int concurrency, int seconds, IntFunction<Supplier<CompletionStage<Boolean>>> unitFor)
      throws InterruptedException {
    LongAdder succeeded = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(concurrency);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < concurrency; i++) {
      new Chain(unitFor.apply(i), succeeded, stop, done, failure).next();
    }
    TimeUnit.SECONDS.sleep(seconds);
    stop.set(true);
    if (!done.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("chains did not finish within 30 s of the stop");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a unit failed", failure.get());
    }
    return succeeded.sum();
  }

  /** {@code concurrency} client threads, each calling its blocking unit until the time is up. */
  public static long runBlocking(int concurrency, int seconds, ClientThreads threads, IntFunction<BooleanSupplier> unitFor)
      throws InterruptedException {
    LongAdder succeeded = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      BooleanSupplier unit = unitFor.apply(i);
      threads.newThread("load-" + i, () -> {
        try {
          while (!stop.get()) {
            if (unit.getAsBoolean()) {
              succeeded.increment();
            }
          }
        } finally {
          done.countDown();
        }
      }).start();
    }
    TimeUnit.SECONDS.sleep(seconds);
    stop.set(true);
    done.await();
    return succeeded.sum();
  }

  private static final class Chain {
    private final Supplier<CompletionStage<Boolean>> unit;
    private final LongAdder succeeded;
    private final AtomicBoolean stop;
    private final CountDownLatch done;
    private final AtomicReference<Throwable> failure;

    Chain(Supplier<CompletionStage<Boolean>> unit, LongAdder succeeded, AtomicBoolean stop, CountDownLatch done,
        AtomicReference<Throwable> failure) {
      this.unit = unit;
      this.succeeded = succeeded;
      this.stop = stop;
      this.done = done;
      this.failure = failure;
    }

    void next() {
      if (stop.get() || failure.get() != null) {
        done.countDown();
        return;
      }
      unit.get().whenComplete((ok, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error);
        } else if (ok) {
          succeeded.increment();
        }
        next();
      });
    }
  }
}
