package io.idem.spi;

import io.idem.IdempotencyListener;

/**
 * A store with events of its own to report (a bounded store's evictions and refusals). The engine
 * subscribes its {@link IdempotencyListener} when it is created and unsubscribes it on close, so the
 * store's events reach the same listener as the engine's without configuring a second one.
 */
public interface ObservedStore extends IdempotencyStore {

  /** Starts telling {@code listener} of the store's events. Idempotent for the same listener. */
  void subscribe(IdempotencyListener listener);

  /** Stops telling {@code listener}. Does nothing for a listener that is not subscribed. */
  void unsubscribe(IdempotencyListener listener);
}
