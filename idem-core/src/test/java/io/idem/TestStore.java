package io.idem;

import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine tests' store: a complete, atomic store over a map, on the tests' clock (the engine, not
 * this store, is under test; stores are proven by the contract suite in idem-testkit). Faults are
 * switched on by the test: an outage ({@link #down}) fails every call as a store's client would after
 * its timeout; {@link #stallExtensionsOf} leaves a key's asynchronous extensions unanswered.
 */
final class TestStore implements LeaseExtendingStore {

  private record Entry(Fingerprint fingerprint, LeaseToken token, byte[] result, long expiresAtMillis) {
    StoredRecord toRecord() {
      return result == null ? new StoredRecord.InProgress(fingerprint) : new StoredRecord.Completed(fingerprint,
          result.clone());
    }
  }

  final AtomicBoolean down = new AtomicBoolean();
  final AtomicInteger completeCalls = new AtomicInteger();
  /** Completions fail as timeouts while set; other calls get through. */
  volatile boolean stallCompletions;
  private volatile CompletableFuture<Boolean> heldExtension;
  private volatile Runnable heldExtensionCall;
  private final Set<IdempotencyKey> stalled = ConcurrentHashMap.newKeySet();
  private final Map<IdempotencyKey, Entry> map = new ConcurrentHashMap<>();
  private final Clock clock;

  TestStore(Clock clock) {
    this.clock = clock;
  }

  void stallExtensionsOf(IdempotencyKey key) {
    stalled.add(key);
  }

  /** The next asynchronous extension is held in flight until {@link #answerHeldExtension()}. */
  void holdNextExtension() {
    heldExtension = new CompletableFuture<>();
  }

  /** Runs the held extension now (on the store, after whatever happened meanwhile) and answers it. */
  void answerHeldExtension() {
    heldExtensionCall.run();
  }

  /** Writes bytes under a key as another program might. */
  void putForeign(IdempotencyKey key, Fingerprint fingerprint, byte[] bytes) {
    map.put(key, new Entry(fingerprint, null, bytes, clock.millis() + 60_000));
  }

  private void failIfDown(String operation) {
    if (down.get()) {
      throw new StoreUnavailableException("test", operation, "connection refused", null);
    }
  }

  private Entry live(IdempotencyKey key) {
    Entry entry = map.get(key);
    return entry == null || entry.expiresAtMillis() <= clock.millis() ? null : entry;
  }

  @Override
  public synchronized Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease) {
    failIfDown("reserve");
    Entry existing = live(key);
    if (existing != null) {
      return Reservation.found(existing.toRecord());
    }
    map.put(key, new Entry(fingerprint, token, null, clock.millis() + lease.toMillis()));
    return Reservation.acquired(token);
  }

  @Override
  public synchronized boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    completeCalls.incrementAndGet();
    failIfDown("complete");
    if (stallCompletions) {
      throw new StoreUnavailableException("test", "complete", "timed out", null);
    }
    Entry held = live(key);
    if (held == null || !token.equals(held.token())) {
      return false;
    }
    map.put(key, new Entry(held.fingerprint(), null, result.clone(), clock.millis() + retention.toMillis()));
    return true;
  }

  @Override
  public synchronized boolean release(IdempotencyKey key, LeaseToken token) {
    failIfDown("release");
    Entry held = live(key);
    if (held == null || !token.equals(held.token())) {
      return false;
    }
    map.remove(key);
    return true;
  }

  @Override
  public synchronized boolean extend(IdempotencyKey key, LeaseToken token, Duration lease) {
    failIfDown("extend");
    Entry held = live(key);
    if (held == null || !token.equals(held.token())) {
      return false;
    }
    map.put(key, new Entry(held.fingerprint(), token, null, clock.millis() + lease.toMillis()));
    return true;
  }

  @Override
  public synchronized Optional<StoredRecord> find(IdempotencyKey key) {
    failIfDown("find");
    return Optional.ofNullable(live(key)).map(Entry::toRecord);
  }

  @Override
  public synchronized boolean delete(IdempotencyKey key) {
    failIfDown("delete");
    return map.remove(key) != null;
  }

  @Override
  public synchronized long purge(String namespace) {
    failIfDown("purge");
    long before = map.size();
    map.keySet().removeIf(key -> key.namespace().equals(namespace));
    return before - map.size();
  }

  @Override
  public CompletionStage<Reservation> reserveAsync(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease) {
    return now(() -> reserve(key, fingerprint, token, lease));
  }

  @Override
  public CompletionStage<Boolean> completeAsync(IdempotencyKey key, LeaseToken token, byte[] result,
      Duration retention) {
    return now(() -> complete(key, token, result, retention));
  }

  @Override
  public CompletionStage<Boolean> releaseAsync(IdempotencyKey key, LeaseToken token) {
    return now(() -> release(key, token));
  }

  @Override
  public CompletionStage<Boolean> extendAsync(IdempotencyKey key, LeaseToken token, Duration lease) {
    if (stalled.contains(key)) {
      return new CompletableFuture<>(); // a store that never answers this key
    }
    CompletableFuture<Boolean> held = heldExtension;
    if (held != null) {
      heldExtension = null;
      heldExtensionCall = () -> held.complete(extend(key, token, lease));
      return held;
    }
    return now(() -> extend(key, token, lease));
  }

  @Override
  public CompletionStage<Optional<StoredRecord>> findAsync(IdempotencyKey key) {
    return now(() -> find(key));
  }

  private static <T> CompletionStage<T> now(java.util.function.Supplier<T> call) {
    try {
      return CompletableFuture.completedFuture(call.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
