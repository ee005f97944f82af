package io.idem.spring.autoconfigure;

import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import java.util.List;

/** Tells every one of several listeners; one that throws does not keep the others from hearing. */
final class FanOutListener implements IdempotencyListener {

  private final List<IdempotencyListener> listeners;

  private FanOutListener(List<IdempotencyListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** The engine takes one listener: none, the one, or all of them in order. */
  static IdempotencyListener of(List<IdempotencyListener> listeners) {
    if (listeners.isEmpty()) {
      return IdempotencyListener.NOOP;
    }
    return listeners.size() == 1 ? listeners.get(0) : new FanOutListener(listeners);
  }

  @Override
  public void onOutcome(IdempotencyKey key, OutcomeKind outcome) {
    each(l -> l.onOutcome(key, outcome));
  }

  @Override
  public void onStoreCall(StoreOperation operation, long nanos, boolean failed) {
    each(l -> l.onStoreCall(operation, nanos, failed));
  }

  @Override
  public void onLeaseLost(IdempotencyKey key) {
    each(l -> l.onLeaseLost(key));
  }

  @Override
  public void onLeaseExtended(IdempotencyKey key) {
    each(l -> l.onLeaseExtended(key));
  }

  @Override
  public void onCompletionDeferred(IdempotencyKey key) {
    each(l -> l.onCompletionDeferred(key));
  }

  @Override
  public void onAttemptTimedOut(IdempotencyKey key) {
    each(l -> l.onAttemptTimedOut(key));
  }

  @Override
  public void onRecordEvicted(IdempotencyKey key) {
    each(l -> l.onRecordEvicted(key));
  }

  @Override
  public void onReservationRefused(IdempotencyKey key) {
    each(l -> l.onReservationRefused(key));
  }

  private void each(java.util.function.Consumer<IdempotencyListener> call) {
    for (IdempotencyListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException ignored) {
        // A listener must never change an outcome, nor silence another listener.
      }
    }
  }
}
