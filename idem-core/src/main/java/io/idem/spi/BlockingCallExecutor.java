package io.idem.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Where {@link BlockingStore} runs blocking calls by default: virtual threads where the JDK has them. */
final class BlockingCallExecutor {

  /** Threads of the JDK 17 pool: blocking store calls wait on I/O, so more threads than cores. */
  static final int PLATFORM_THREADS = 64;

  static final ExecutorService INSTANCE = create();

  private BlockingCallExecutor() {}

  private static ExecutorService create() {
    ExecutorService virtual = virtualThreadPerTask();
    return virtual != null ? virtual : platformPool();
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()} on JDK 21+, looked up so the jar stays JDK 17 bytecode. */
  private static ExecutorService virtualThreadPerTask() {
    try {
      return (ExecutorService) MethodHandles.publicLookup()
          .findStatic(java.util.concurrent.Executors.class, "newVirtualThreadPerTaskExecutor",
              MethodType.methodType(ExecutorService.class))
          .invoke();
    } catch (Throwable notAvailable) {
      return null;
    }
  }

  private static ExecutorService platformPool() {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory daemons = task -> {
      Thread thread = new Thread(task, "idem-blocking-store-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    ThreadPoolExecutor pool = new ThreadPoolExecutor(PLATFORM_THREADS, PLATFORM_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemons);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
