package io.idem;

import io.idem.spi.LeaseExtendingStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Extends the leases of running attempts that have used half their lease, so a slow but live
 * attempt is never taken over. One daemon thread per engine, started at the first attempt; an
 * attempt costs one set insert and one removal on the hot path.
 */
final class LeaseHeartbeat implements AutoCloseable {

  private final Idempotency engine;
  private final LeaseExtendingStore store;
  private final long leaseMillis;
  private final long tickMillis;
  private final Set<Attempt> running = ConcurrentHashMap.newKeySet();
  private final Object startLock = new Object();
  private volatile Thread thread;
  private volatile boolean closed;

  /** {@code store} null means the heartbeat is off: register and unregister do nothing. */
  LeaseHeartbeat(Idempotency engine, LeaseExtendingStore store, long leaseMillis) {
    this.engine = engine;
    this.store = store;
    this.leaseMillis = leaseMillis;
    this.tickMillis = Math.max(5, Math.min(1000, leaseMillis / 8));
  }

  boolean enabled() {
    return store != null;
  }

  void register(Attempt attempt) {
    if (store == null) {
      return;
    }
    running.add(attempt);
    if (thread == null) {
      start();
    }
  }

  void unregister(Attempt attempt) {
    if (store != null) {
      running.remove(attempt);
    }
  }

  /** One pass: extend every attempt that has used half its lease. Package-private for tests. */
  void runOnce() {
    long now = engine.config().clock().millis();
    for (Attempt attempt : running) {
      if (now - attempt.leaseRenewedAtMillis() < leaseMillis / 2 || attempt.isFinished()) {
        continue;
      }
      try {
        if (engine.extend(store, attempt)) {
          attempt.leaseRenewed(now);
        } else {
          attempt.markLeaseLost();
          running.remove(attempt);
        }
      } catch (RuntimeException e) {
        // The store is unreachable: keep the attempt and try again next tick, while the lease may still hold.
      }
    }
  }

  private void start() {
    synchronized (startLock) {
      if (thread != null || closed) {
        return;
      }
      Thread t = new Thread(this::loop, "idem-lease-heartbeat");
      t.setDaemon(true);
      thread = t;
      t.start();
    }
  }

  private void loop() {
    while (!closed) {
      try {
        Thread.sleep(tickMillis);
      } catch (InterruptedException e) {
        return;
      }
      runOnce();
    }
  }

  int runningCount() {
    return running.size();
  }

  @Override
  public void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }
}
