package io.idem;

import io.idem.spi.KeyWatch;
import io.idem.spi.SignallingStore;
import io.idem.spi.StoredRecord;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One duplicate waiting for the attempt that holds its key, up to a deadline, holding no thread. On a
 * {@link SignallingStore} it registers a watch, reads the record once more (a completion between the
 * first read and the registration is not missed), then sleeps until the signal, a safety re-read or
 * the deadline; a signal that carries the completed record is answered from it, any other wake-up is
 * one reserve. The safety re-read comes every
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
    // Completed with the signal's record, empty when it carried none; null for the safety re-read.
    CompletableFuture<Optional<StoredRecord.Completed>> woken = new CompletableFuture<>();
    long reread = Math.max(MIN_REREAD_NANOS, engine.config().inProgressPollInterval().toNanos());
    engine.keeper().schedule(() -> woken.complete(null), Math.min(remaining, reread));
    KeyWatch current = watch;
    current.signalled().whenComplete((carried, failure) -> {
      if (failure != null) {
        woken.completeExceptionally(failure);
      } else {
        woken.complete(carried);
      }
    });
    woken.whenComplete((carried, failure) -> {
      if (failure != null) {
        fallBackToPolling(StoreCalls.unwrap(failure));
        return;
      }
      if (carried == null) {
        look();
        return;
      }
      closeWatch(); // a watch fires once: the next wait, if any, registers anew
      // Only a record of this very request is taken from the signal: a channel anyone may publish on
      // (PostgreSQL lets every role NOTIFY) cannot answer a waiter without knowing its fingerprint, and
      // a mismatch is left to the read, as it is without signals.
      if (carried.isPresent() && carried.get().fingerprint().equals(fingerprint)) {
        answerFrom(carried.get());
      } else {
        look();
      }
    });
  }

  /** Answers from the completed record the signal carried: no read, the same decision as a read's. */
  private void answerFrom(StoredRecord.Completed completed) {
    Admission admission;
    try {
      admission = engine.admitFound(fingerprint, completed);
    } catch (RuntimeException corrupt) {
      result.completeExceptionally(corrupt);
      return;
    }
    finish(admission);
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
