package io.idem;

import io.idem.spi.KeyWatch;
import io.idem.spi.SignallingStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One duplicate waiting for the attempt that holds its key, up to a deadline, holding no thread. On a
 * {@link SignallingStore} it registers a watch, reads the record once more (a completion between the
 * first read and the registration is not missed), then sleeps until the signal, a safety re-read or
 * the deadline; each wake-up is one reserve. The safety re-read comes every
 * {@code max(1 s, inProgressPollInterval)}. Elsewhere, or once the store's signal channel failed, it
 * polls adaptively: first after 1 ms, then after twice the last pause, up to
 * {@link IdempotencyConfig#inProgressPollInterval()}, so a short attempt is answered about as soon as
 * it ends and a long one costs one read per interval. The pauses run on the engine's timer.
 */
final class DuplicateWait {

  /** Shortest interval of a signalled wait's safety re-reads (an expired lease sends no signal). */
  private static final long MIN_REREAD_NANOS = 1_000_000_000L;
  /** First pause of a polling wait; each next one doubles, up to the configured poll interval. */
  static final long FIRST_POLL_NANOS = 1_000_000L;

  private final Idempotency engine;
  private final IdempotencyKey key;
  private final Fingerprint fingerprint;
  private final long deadline;
  private final SignallingStore signalling;
  private final CompletableFuture<Admission> result = new CompletableFuture<>();
  private KeyWatch watch;
  private boolean polling;
  private long pollNanos;

  DuplicateWait(Idempotency engine, IdempotencyKey key, Fingerprint fingerprint, long deadline) {
    this.engine = engine;
    this.key = key;
    this.fingerprint = fingerprint;
    this.deadline = deadline;
    this.signalling = engine.store() instanceof SignallingStore s ? s : null;
    this.polling = signalling == null;
  }

  /** Starts waiting after a read that found the key in progress. */
  CompletionStage<Admission> start() {
    inProgress();
    return result;
  }

  private void look() {
    engine.reserveAndAdmit(key, fingerprint).whenComplete((admission, failure) -> {
      if (failure != null) {
        closeWatch();
        result.completeExceptionally(StoreCalls.unwrap(failure));
      } else if (admission instanceof Admission.InProgress) {
        inProgress();
      } else {
        finish(admission);
      }
    });
  }

  private void inProgress() {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      finish(new Admission.InProgress());
      return;
    }
    if (polling) {
      pollNanos = nextPoll(pollNanos, engine.config().inProgressPollInterval().toNanos());
      engine.keeper().schedule(this::look, Math.min(remaining, pollNanos));
      return;
    }
    if (watch == null) {
      try {
        watch = signalling.watch(key);
      } catch (RuntimeException channelDown) {
        fallBackToPolling(channelDown);
        return;
      }
      look(); // the attempt may have finished before the watch was registered
      return;
    }
    CompletableFuture<Boolean> woken = new CompletableFuture<>();
    long reread = Math.max(MIN_REREAD_NANOS, engine.config().inProgressPollInterval().toNanos());
    engine.keeper().schedule(() -> woken.complete(false), Math.min(remaining, reread));
    KeyWatch current = watch;
    current.signalled().whenComplete((signal, failure) -> {
      if (failure != null) {
        woken.completeExceptionally(failure);
      } else {
        woken.complete(true);
      }
    });
    woken.whenComplete((signalled, failure) -> {
      if (failure != null) {
        fallBackToPolling(StoreCalls.unwrap(failure));
        return;
      }
      if (signalled) {
        closeWatch(); // a watch fires once: the next wait, if any, registers anew
      }
      look();
    });
  }

  /** The pause after {@code last} (0 before the first): doubling from 1 ms, never above {@code interval}. */
  static long nextPoll(long last, long interval) {
    long next = last == 0 ? FIRST_POLL_NANOS : last > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : last * 2;
    return Math.min(next, interval);
  }

  private void fallBackToPolling(Throwable cause) {
    closeWatch();
    polling = true;
    Idempotency.safely(() -> engine.listener().onSignalsUnavailable(key, cause));
    look();
  }

  private void finish(Admission admission) {
    closeWatch();
    result.complete(engine.settled(key, admission));
  }

  private void closeWatch() {
    KeyWatch current = watch;
    watch = null;
    if (current != null) {
      current.close();
    }
  }
}
