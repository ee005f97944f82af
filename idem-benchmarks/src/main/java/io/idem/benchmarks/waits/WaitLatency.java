package io.idem.benchmarks.waits;

import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.LeaseToken;
import io.idem.spi.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a waiting duplicate takes to get its answer once the original completes, on one store:
 * signalled (the store's own {@link io.idem.spi.SignallingStore}) and polled (the same store behind
 * {@link PollingOnly}, every {@value #POLL_MILLIS} ms, the engine's default), with 1 and with 1,000
 * waiting duplicates, each on a key of its own. The raw baseline, measured in the same run, is one
 * read of a completed record (a replay's reserve).
 *
 * <p>Latency of one waiter: from the call that stores its original's result until the waiter's answer
 * arrives. With 1,000 waiters the originals complete one after another, as fast as the store takes
 * them, while the woken waiters read.
 */
final class WaitLatency {

  static final int POLL_MILLIS = 20;
  private static final Fingerprint FP = Fingerprint.of("pay");
  private static final byte[] RESULT = "paid".getBytes(StandardCharsets.UTF_8);

  /**
   * Percentiles of one measurement, in milliseconds, and how many reads each waiter sent from its
   * first to its answer (0 where not counted).
   */
  record Percentiles(double p50, double p99, int samples, double readsPerWaiter) {
    static Percentiles of(long[] nanos) {
      return of(nanos, 0);
    }

    static Percentiles of(long[] nanos, double readsPerWaiter) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      return new Percentiles(millis(sorted, 0.50), millis(sorted, 0.99), sorted.length, readsPerWaiter);
    }

    private static double millis(long[] sorted, double quantile) {
      int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
      return sorted[Math.max(0, index)] / 1e6;
    }

    String format() {
      return String.format(Locale.ROOT, "%.2f / %.2f", p50, p99);
    }
  }

  private WaitLatency() {}

  /** Counts reserves, so a round starts completing only once every waiter has registered and read again. */
  private static final class Reads implements IdempotencyListener {
    final AtomicLong reserves = new AtomicLong();

    @Override
    public void onStoreCall(StoreOperation operation, long nanos, boolean failed) {
      if (operation == StoreOperation.RESERVE) {
        reserves.incrementAndGet();
      }
    }
  }

  private static IdempotencyConfig config(IdempotencyListener listener) {
    return IdempotencyConfig.custom().waitForInProgress(Duration.ofSeconds(30))
        .inProgressPollInterval(Duration.ofMillis(POLL_MILLIS)).heartbeat(IdempotencyConfig.HeartbeatMode.OFF)
        .listener(listener).build();
  }

  /**
   * {@code rounds} rounds of {@code waiters} duplicates on {@code store}, each waiting on a key of its
   * own, for originals begun and completed through {@code originalsStore} (the same store, or another
   * client of the same server).
   */
  static Percentiles measure(IdempotencyStore store, IdempotencyStore originalsStore, int waiters, int rounds)
      throws Exception {
    return measure(store, originalsStore, waiters, rounds, false);
  }

  /**
   * {@link #measure(IdempotencyStore, IdempotencyStore, int, int)}, or with {@code oneKey} every waiter
   * of a round waiting on the same key, as the duplicates of one request retried many times would: one
   * completion wakes them all.
   */
  static Percentiles measure(IdempotencyStore store, IdempotencyStore originalsStore, int waiters, int rounds,
      boolean oneKey) throws Exception {
    long[] latencies = new long[waiters * rounds];
    Reads reads = new Reads();
    long readsOfWaiters = 0;
    try (Idempotency originals = Idempotency.create(originalsStore, config(IdempotencyListener.NOOP));
        Idempotency duplicates = Idempotency.create(store, config(reads))) {
      for (int round = 0; round < rounds; round++) {
        String namespace = "waits-" + UUID.randomUUID();
        List<IdempotencyKey> keys = new ArrayList<>(waiters);
        List<Attempt> attempts = new ArrayList<>(waiters);
        for (int i = 0; i < waiters; i++) {
          IdempotencyKey key = IdempotencyKey.of(namespace, "k" + (oneKey ? 0 : i));
          keys.add(key);
          if (!oneKey || i == 0) {
            attempts.add(((Admission.Proceed) originals.begin(key, FP)).attempt());
          }
        }
        long before = reads.reserves.get();
        List<CompletableFuture<Long>> answered = new ArrayList<>(waiters);
        for (IdempotencyKey key : keys) {
          answered.add(duplicates.beginAsync(key, FP).toCompletableFuture().thenApply(admission -> {
            long at = System.nanoTime();
            if (!(admission instanceof Admission.Replay)) {
              throw new IllegalStateException("a waiter was answered " + admission + " instead of the replay");
            }
            return at;
          }));
        }
        awaitReads(reads, before + 2L * waiters);
        // Polling waiters read at a random phase against the completion, as in a real service.
        Thread.sleep(ThreadLocalRandom.current().nextInt(POLL_MILLIS + 1));
        long[] started = new long[waiters];
        for (int i = 0; i < attempts.size(); i++) {
          started[i] = System.nanoTime();
          attempts.get(i).complete(RESULT);
        }
        if (oneKey) {
          Arrays.fill(started, started[0]);
        }
        for (int i = 0; i < waiters; i++) {
          latencies[round * waiters + i] = answered.get(i).get(60, TimeUnit.SECONDS) - started[i];
        }
        readsOfWaiters += reads.reserves.get() - before;
      }
    }
    return Percentiles.of(latencies, (double) readsOfWaiters / latencies.length);
  }

  /** The raw baseline: one reserve of a completed key, which answers the stored result. */
  static Percentiles oneRead(IdempotencyStore store, int samples) {
    IdempotencyKey key = IdempotencyKey.of("waits-" + UUID.randomUUID(), "read");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, FP, token, Duration.ofMinutes(5));
    store.complete(key, token, RESULT, Duration.ofMinutes(5));
    long[] nanos = new long[samples];
    for (int i = 0; i < samples; i++) {
      long start = System.nanoTime();
      store.reserve(key, FP, LeaseToken.random(), Duration.ofMinutes(5));
      nanos[i] = System.nanoTime() - start;
    }
    return Percentiles.of(nanos);
  }

  private static void awaitReads(Reads reads, long target) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (reads.reserves.get() < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waiters did not register within 60 s");
      }
      Thread.sleep(1);
    }
  }
}
