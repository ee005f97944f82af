package io.idem.spi;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The waiters of one store, by key: what a {@link SignallingStore} hands out as {@link KeyWatch}es and
 * fires when its channel (in-process calls, a pub/sub message, a notification) says a key changed.
 * Thread-safe; costs nothing for keys nobody waits on.
 *
 * @param <K> how the channel names a key: the {@link io.idem.IdempotencyKey} itself, or the backend's
 *     own key (a Redis key, a NATS subject), so a message maps to its waiters without decoding
 */
public final class KeySignals<K> {

  private final Map<K, Set<CompletableFuture<Optional<StoredRecord.Completed>>>> waiters = new ConcurrentHashMap<>();

  /** A new watch of {@code key}. */
  public KeyWatch watch(K key) {
    CompletableFuture<Optional<StoredRecord.Completed>> signal = new CompletableFuture<>();
    waiters.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(signal);
    return new KeyWatch() {
      @Override
      public CompletionStage<Optional<StoredRecord.Completed>> signalled() {
        return signal;
      }

      @Override
      public void close() {
        waiters.computeIfPresent(key, (k, set) -> {
          set.remove(signal);
          return set.isEmpty() ? null : set;
        });
      }
    };
  }

  /** Wakes every current waiter of {@code key}; each reads the record again. */
  public void fire(K key) {
    wake(key, Optional.empty());
  }

  /**
   * Wakes every current waiter of {@code key} with the record its completion stored, which they answer
   * from without reading it again. {@code completed} must be exactly what the store now holds.
   */
  public void fire(K key, StoredRecord.Completed completed) {
    wake(key, Optional.of(completed));
  }

  private void wake(K key, Optional<StoredRecord.Completed> record) {
    Set<CompletableFuture<Optional<StoredRecord.Completed>>> woken = waiters.remove(key);
    if (woken != null) {
      woken.forEach(signal -> signal.complete(record));
    }
  }

  /** Fails every current waiter (the channel went down): they fall back to polling. */
  public void failAll(Throwable cause) {
    for (K key : waiters.keySet()) {
      Set<CompletableFuture<Optional<StoredRecord.Completed>>> failed = waiters.remove(key);
      if (failed != null) {
        failed.forEach(signal -> signal.completeExceptionally(cause));
      }
    }
  }

  /** Whether anyone waits on {@code key}: a channel may skip work for keys nobody watches. */
  public boolean watched(K key) {
    return waiters.containsKey(key);
  }

  /** Waiters registered now, for tests and metrics. */
  public int waiting() {
    return waiters.values().stream().mapToInt(Set::size).sum();
  }
}
