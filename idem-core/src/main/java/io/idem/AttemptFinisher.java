package io.idem;

import io.idem.IdempotencyConfig.FailurePolicy;
import io.idem.IdempotencyListener.StoreOperation;
import io.idem.spi.IdempotencyStore;
import io.idem.spi.LeaseExtendingStore;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * How attempts end, for {@link Attempt}, the {@link LeaseKeeper} and {@link TransactionalFlow}: the
 * fenced complete or release, what its answer means ({@link Completion}), and what happens when the
 * store does not answer: the finish is deferred to the keeper, which retries it and keeps the lease
 * alive, so a completion is never forgotten while the store can still take it.
 */
final class AttemptFinisher {

  private final IdempotencyStore store;
  private final LeaseExtendingStore extending;
  private final IdempotencyConfig config;
  private final IdempotencyListener listener;
  private final StoreCalls calls;
  private final LeaseKeeper keeper;

  AttemptFinisher(IdempotencyStore store, LeaseExtendingStore extending, IdempotencyConfig config, StoreCalls calls,
      LeaseKeeper keeper) {
    this.store = store;
    this.extending = extending;
    this.config = config;
    this.listener = config.listener();
    this.calls = calls;
    this.keeper = keeper;
  }

  Finish failureFinish(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    return config.failurePolicy() == FailurePolicy.STORE && failure instanceof Exception
        ? Finish.failure(failure) : Finish.RELEASE;
  }

  Completion finish(Attempt attempt, Finish finish) {
    begunFinishing(attempt);
    try {
      boolean taken = calls.call(finish.operation(), () -> send(attempt, finish));
      return settle(attempt, finish, taken);
    } catch (StoreUnavailableException e) {
      return deferred(attempt, finish);
    } catch (RuntimeException e) {
      keeper.release(attempt);
      throw e;
    }
  }

  CompletionStage<Completion> finishAsync(Attempt attempt, Finish finish) {
    begunFinishing(attempt);
    return calls.callAsync(finish.operation(), () -> sendAsync(attempt, finish)).handle((taken, failure) -> {
      if (failure == null) {
        return settle(attempt, finish, taken);
      }
      if (failure instanceof StoreUnavailableException) {
        return deferred(attempt, finish);
      }
      keeper.release(attempt);
      throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
    });
  }

  /** The lease keeper's retry of a finish the store did not take. */
  CompletionStage<Void> retryDeferred(Attempt attempt, Finish finish) {
    return calls.callAsync(finish.operation(), () -> sendAsync(attempt, finish)).handle((taken, failure) -> {
      if (failure == null) {
        settle(attempt, finish, taken);
      }
      return null; // still failing: the next tick tries again, within the time limit
    });
  }

  /** The heartbeat: extends a live attempt's lease, and reports a loss only for an unfinished attempt. */
  CompletionStage<Void> extendAsync(Attempt attempt, long now) {
    return calls.callAsync(StoreOperation.EXTEND, () -> extending.extendAsync(attempt.key(), attempt.token(),
        config.lease())).handle((extended, failure) -> {
          if (failure != null) {
            return null; // the store did not answer: try again next tick, while the lease may still hold
          }
          if (extended) {
            attempt.leaseRenewed(now);
            Idempotency.safely(() -> listener.onLeaseExtended(attempt.key()));
          } else if (!attempt.isFinished() || attempt.deferred() != null) {
            // A finished attempt's own finish reports its loss; an extension that raced it proves nothing.
            keeper.release(attempt);
            leaseLost(attempt);
          }
          return null;
        });
  }

  /** Marks an attempt whose transaction stored its result as settled, with no store call of its own. */
  void settledInTransaction(Attempt attempt, boolean stored) {
    begunFinishing(attempt);
    settle(attempt, Finish.RELEASE, stored);
  }

  /**
   * After a commit that failed or whose outcome is unknown: a fenced release, which takes effect only
   * if nothing was committed (a committed record holds no token). Its refusal is no lost lease.
   */
  void releaseAfterFailedCommit(Attempt attempt) {
    begunFinishing(attempt);
    keeper.release(attempt);
    try {
      calls.call(StoreOperation.RELEASE, () -> store.release(attempt.key(), attempt.token()));
    } catch (RuntimeException e) {
      // The lease expires on its own; the caller sees the commit's failure.
    }
  }

  void timedOut(Attempt attempt) {
    attempt.defer(null);
    Idempotency.safely(() -> listener.onAttemptTimedOut(attempt.key()));
  }

  private void begunFinishing(Attempt attempt) {
    if (!attempt.markFinished()) {
      throw new IllegalStateException("attempt for " + attempt.key() + " is already finished");
    }
  }

  private Completion settle(Attempt attempt, Finish finish, boolean taken) {
    keeper.release(attempt);
    attempt.defer(null);
    if (taken) {
      return finish.taken();
    }
    leaseLost(attempt);
    return Completion.LEASE_LOST;
  }

  private Completion deferred(Attempt attempt, Finish finish) {
    keeper.defer(attempt, finish);
    Idempotency.safely(() -> listener.onCompletionDeferred(attempt.key()));
    return Completion.RETRYING;
  }

  private boolean send(Attempt attempt, Finish finish) {
    return finish.releases()
        ? store.release(attempt.key(), attempt.token())
        : store.complete(attempt.key(), attempt.token(), finish.envelope(), config.retention());
  }

  private CompletionStage<Boolean> sendAsync(Attempt attempt, Finish finish) {
    return finish.releases()
        ? store.releaseAsync(attempt.key(), attempt.token())
        : store.completeAsync(attempt.key(), attempt.token(), finish.envelope(), config.retention());
  }

  private void leaseLost(Attempt attempt) {
    if (attempt.markLeaseLost()) {
      Idempotency.safely(() -> listener.onLeaseLost(attempt.key()));
    }
  }

}
