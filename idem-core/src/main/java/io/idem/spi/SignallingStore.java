package io.idem.spi;

import io.idem.IdempotencyKey;

/**
 * A store that can tell a waiter when a key stops being in progress, so a duplicate that waits for the
 * first attempt gets its answer as soon as the result is stored instead of a poll interval later, and
 * sends no store calls while it waits. A capability: the engine uses it when the store implements it,
 * and polls otherwise.
 *
 * <p>Call order, as the engine uses it: reserve (finds the key in progress) → {@code watch} → reserve
 * again (closing the window between the first read and the registration) → wait for the signal, the
 * waiter's deadline or a safety re-read → reserve again → {@link KeyWatch#close()}.
 */
public interface SignallingStore extends IdempotencyStore {

  /**
   * Starts watching {@code key}. The watch's stage completes the first time, after this call, that any
   * process sharing the backend completes, releases or deletes the key; it may also complete without
   * such a change (the engine then reads the record again). It fails with
   * {@link io.idem.StoreUnavailableException} when the store's signal channel is down: the engine then
   * falls back to polling. Costs no store round trip of the request path; the channel is shared by every
   * watch of the store.
   */
  KeyWatch watch(IdempotencyKey key);
}
