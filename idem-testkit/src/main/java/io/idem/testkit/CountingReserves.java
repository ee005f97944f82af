package io.idem.testkit;

import io.idem.IdempotencyListener;
import java.util.concurrent.atomic.AtomicInteger;

/** A listener that counts the reserves an engine sends: how many times a waiting duplicate read. */
public final class CountingReserves implements IdempotencyListener {

  private final AtomicInteger count = new AtomicInteger();

  @Override
  public void onStoreCall(StoreOperation operation, long nanos, boolean failed) {
    if (operation == StoreOperation.RESERVE) {
      count.incrementAndGet();
    }
  }

  /** Reserves counted so far. */
  public int count() {
    return count.get();
  }

  /** Starts counting from zero again. */
  public void reset() {
    count.set(0);
  }
}
