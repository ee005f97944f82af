package io.idem.spring.it.app;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** How often each handler ran, and the latch that holds the slow one. */
@Component
public class Counters {

  private final ConcurrentMap<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private volatile CountDownLatch release = new CountDownLatch(0);

  public int ran(String name) {
    return runs.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
  }

  public int runs(String name) {
    return runs.computeIfAbsent(name, n -> new AtomicInteger()).get();
  }

  /** The slow handler waits until {@link #releaseSlow()}. */
  public void holdSlow() {
    release = new CountDownLatch(1);
  }

  public void releaseSlow() {
    release.countDown();
  }

  void awaitRelease() throws InterruptedException {
    release.await();
  }
}
