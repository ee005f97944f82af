package io.idem;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the attempts an engine holds alive, on one daemon timer thread per engine (started at first
 * use), with asynchronous store calls so a slow store delays no other attempt:
 * <ul>
 *   <li>the heartbeat: extends the lease of an attempt that has used half of it, one extension in
 *       flight per attempt at most;</li>
 *   <li>deferred finishes: retries a completion or release the store did not take, until it does;</li>
 *   <li>the time limit: stops both for an attempt older than {@link IdempotencyConfig#attemptTimeLimit()}.</li>
 * </ul>
 * Only attempts that need it are held: every attempt when the heartbeat is on, otherwise only those
 * with a deferred finish. The timer also runs the pauses of asynchronous in-progress waits.
 */
final class LeaseKeeper implements AutoCloseable {

  private final Idempotency engine;
  private final boolean heartbeat;
  private final long leaseMillis;
  private final long timeLimitMillis;
  private final long tickMillis;
  private final Set<Attempt> held = ConcurrentHashMap.newKeySet();
  private final Object startLock = new Object();
  private volatile ScheduledExecutorService timer;
  private final boolean ticks;
  private volatile boolean closed;

  LeaseKeeper(Idempotency engine, boolean heartbeat, IdempotencyConfig config, boolean ticks) {
    this.ticks = ticks;
    this.engine = engine;
    this.heartbeat = heartbeat;
    this.leaseMillis = config.lease().toMillis();
    this.timeLimitMillis = config.attemptTimeLimit().toMillis();
    this.tickMillis = Math.max(5, Math.min(1000, leaseMillis / 8));
  }

  /** An attempt began: hold it when the heartbeat is on. */
  void began(Attempt attempt) {
    if (heartbeat) {
      hold(attempt);
    }
  }

  /** The store took the attempt's finish (or it can no longer matter): stop keeping it. */
  void release(Attempt attempt) {
    held.remove(attempt);
  }

  /** The store did not take {@code finish}: keep the attempt and retry it every tick. */
  void defer(Attempt attempt, Finish finish) {
    attempt.defer(finish);
    hold(attempt);
  }

  /** Runs {@code task} after {@code nanos} on the timer thread; it must not block. */
  void schedule(Runnable task, long nanos) {
    timer().schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  int heldCount() {
    return held.size();
  }

  /** One pass over the held attempts. Package-private so tests can drive it with a manual clock. */
  void runOnce() {
    long now = engine.config().clock().millis();
    for (Attempt attempt : held) {
      if (now - attempt.startedAtMillis() >= timeLimitMillis) {
        held.remove(attempt);
        engine.finisher().timedOut(attempt);
        continue;
      }
      Finish deferred = attempt.deferred();
      if (deferred != null && attempt.retrying.compareAndSet(false, true)) {
        engine.finisher().retryDeferred(attempt, deferred).whenComplete((done, failure) -> attempt.retrying.set(false));
      }
      if (heartbeat && now - attempt.leaseRenewedAtMillis() >= leaseMillis / 2
          && attempt.extending.compareAndSet(false, true)) {
        engine.finisher().extendAsync(attempt, now).whenComplete((done, failure) -> attempt.extending.set(false));
      }
    }
  }

  private void hold(Attempt attempt) {
    held.add(attempt);
    timer();
  }

  private ScheduledExecutorService timer() {
    ScheduledExecutorService current = timer;
    if (current != null) {
      return current;
    }
    synchronized (startLock) {
      if (timer == null) {
        ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1, task -> {
          Thread thread = new Thread(task, "idem-lease-keeper");
          thread.setDaemon(true);
          return thread;
        });
        created.setRemoveOnCancelPolicy(true);
        if (!closed && ticks) {
          created.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        }
        timer = created;
      }
      return timer;
    }
  }

  private void tick() {
    try {
      runOnce();
    } catch (RuntimeException unexpected) {
      // A failing store call is handled per attempt; nothing may stop the timer.
    }
  }

  /** Stops the timer: held attempts are no longer extended or retried, and their leases expire. */
  @Override
  public void close() {
    closed = true;
    ScheduledExecutorService current = timer;
    if (current != null) {
      current.shutdownNow();
    }
  }
}
