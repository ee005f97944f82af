package io.idem.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.LeaseToken;
import io.idem.IdempotencyException;
import io.idem.StoreCapacityExceededException;
import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.KeySignals;
import io.idem.spi.KeyWatch;
import io.idem.spi.ObservedStore;
import io.idem.spi.SignallingStore;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The embedded default store: one JVM, records in a Caffeine cache with per-entry expiry (the lease
 * for an attempt, the retention for a result). Every primitive is one atomic operation on the
 * cache's map, so it is safe under any concurrency.
 *
 * <p>Bounded by {@link Builder#maximumSize(long)} (default 10,000 records). An in-progress record is
 * never evicted. When full, {@link WhenFull} decides: evict the completed record closest to its
 * expiry (default; that key's retry would run again, reported through
 * {@link IdempotencyListener#onRecordEvicted} of every engine on the store; "closest to expiry" to the resolution of Caffeine's
 * timer wheel, about a second for records due within a minute and about an hour for records due
 * within a day; records are evicted in small batches, 1% of the bound
 * and at most 1,000, so that a store that stays full does not search for a victim on every insert),
 * or refuse new reservations with
 * {@link StoreCapacityExceededException}. Under concurrent reservations the bound may be passed by at
 * most the number of threads reserving at that instant.
 *
 * <p>Waiters are woken in-process ({@link SignallingStore}) the moment a key is completed, released or
 * deleted, by any engine on this store.
 *
 * <p>The asynchronous calls run at once on the caller's thread (nothing here waits on I/O) and return
 * a completed stage.
 */
public final class MemoryStore implements LeaseExtendingStore, ObservedStore, SignallingStore {

  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

  /** What a full store does with a new reservation. */
  public enum WhenFull {
    /** Evict the completed record that would expire soonest. Default. */
    EVICT_SOONEST_EXPIRING,
    /** Refuse the reservation: no replay window is ever reopened, but new keys fail until records expire. */
    REFUSE_NEW
  }

  // Keyed by FlatKey: one string per record's key.
  private final Cache<String, Entry> cache;
  private final ConcurrentMap<String, Entry> map;
  private final Policy.VarExpiration<String, Entry> expiration;
  private final Ticker ticker;
  private final long maximumSize;
  private final long evictionBatch;
  private final Object evictionLock = new Object();
  private final WhenFull whenFull;
  private final List<IdempotencyListener> listeners = new CopyOnWriteArrayList<>();
  private final KeySignals<IdempotencyKey> signals = new KeySignals<>();

  private MemoryStore(Builder builder) {
    this.ticker = builder.clock == null ? Ticker.systemTicker() : clockTicker(builder.clock);
    this.maximumSize = builder.maximumSize;
    this.evictionBatch = Math.max(1, Math.min(1_000, builder.maximumSize / 100));
    this.whenFull = builder.whenFull;
    this.cache = Caffeine.newBuilder()
        .ticker(ticker)
        .executor(Runnable::run)
        .expireAfter(new Entry.DeadlineExpiry())
        .build();
    this.map = cache.asMap();
    this.expiration = cache.policy().expireVariably().orElseThrow();
  }

  /** A store with the defaults: 10,000 records, evict the soonest-expiring result when full. */
  public static MemoryStore create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Duration lease) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(token, "token");
    String flat = FlatKey.of(key);
    if (cache.estimatedSize() >= maximumSize) {
      Entry existing = map.get(flat);
      if (existing != null) {
        return Reservation.found(existing.toRecord());
      }
      makeRoom(key);
    }
    Entry fresh = Entry.inProgress(fingerprint, token, deadline(lease));
    Entry existing = map.putIfAbsent(flat, fresh);
    return existing == null ? Reservation.acquired(token) : Reservation.found(existing.toRecord());
  }

  @Override
  public boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    Objects.requireNonNull(result, "result");
    long deadline = deadline(retention);
    Entry[] completed = {null};
    map.computeIfPresent(FlatKey.of(key), (k, entry) -> {
      if (!entry.heldBy(token)) {
        return entry;
      }
      completed[0] = entry.completed(result, deadline);
      return completed[0];
    });
    if (completed[0] == null) {
      return false;
    }
    if (signals.watched(key)) {
      // The waiters answer from the record itself (their own copy of it).
      signals.fire(key, (StoredRecord.Completed) completed[0].toRecord());
    }
    return true;
  }

  @Override
  public boolean release(IdempotencyKey key, LeaseToken token) {
    boolean[] released = {false};
    map.computeIfPresent(FlatKey.of(key), (k, entry) -> {
      if (!entry.heldBy(token)) {
        return entry;
      }
      released[0] = true;
      return null;
    });
    if (released[0]) {
      signals.fire(key);
    }
    return released[0];
  }

  @Override
  public boolean extend(IdempotencyKey key, LeaseToken token, Duration lease) {
    long deadline = deadline(lease);
    boolean[] extended = {false};
    map.computeIfPresent(FlatKey.of(key), (k, entry) -> {
      if (!entry.heldBy(token)) {
        return entry;
      }
      extended[0] = true;
      return entry.extended(deadline);
    });
    return extended[0];
  }

  @Override
  public Optional<StoredRecord> find(IdempotencyKey key) {
    Entry entry = map.get(FlatKey.of(key));
    return entry == null ? Optional.empty() : Optional.of(entry.toRecord());
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
    return now(() -> extend(key, token, lease));
  }

  @Override
  public CompletionStage<Optional<StoredRecord>> findAsync(IdempotencyKey key) {
    return now(() -> find(key));
  }

  /** A store failure fails the stage; a bad argument throws at once, as the blocking call does. */
  private static <T> CompletionStage<T> now(Supplier<T> call) {
    try {
      return CompletableFuture.completedFuture(call.get());
    } catch (IdempotencyException storeFailure) {
      return CompletableFuture.failedFuture(storeFailure);
    }
  }

  @Override
  public KeyWatch watch(IdempotencyKey key) {
    return signals.watch(Objects.requireNonNull(key, "key"));
  }

  @Override
  public void subscribe(IdempotencyListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!listeners.contains(listener)) {
      listeners.add(listener);
    }
  }

  @Override
  public void unsubscribe(IdempotencyListener listener) {
    listeners.remove(listener);
  }

  @Override
  public boolean delete(IdempotencyKey key) {
    Entry removed = map.remove(FlatKey.of(key));
    signals.fire(key);
    return removed != null && removed.deadline - ticker.read() > 0;
  }

  @Override
  public long purge(String namespace) {
    IdempotencyKey.validateNamespace(namespace);
    long removed = 0;
    String prefix = FlatKey.namespacePrefix(namespace);
    for (String flat : List.copyOf(map.keySet())) {
      if (flat.startsWith(prefix) && delete(FlatKey.parse(flat))) {
        removed++;
      }
    }
    return removed;
  }

  /** Live records, in progress and completed (approximate while other threads write). */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  private void makeRoom(IdempotencyKey forKey) {
    // One thread at a time walks and evicts; the others then find the room it made (racing for the
    // same victims, threads refused keys for want of records another had just evicted).
    synchronized (evictionLock) {
      cache.cleanUp();
      long needed = cache.estimatedSize() - maximumSize + 1;
      if (needed <= 0) {
        return;
      }
      if (whenFull == WhenFull.REFUSE_NEW) {
        refuse(forKey, "it holds its maximum of " + maximumSize + " records and is configured to refuse new ones");
      }
      // Finding victims walks the expiry order, which costs far more than an insert: take a batch at
      // once so that a store that stays full pays for the walk once per batch, not once per key.
      long batch = Math.max(needed, evictionBatch);
      List<java.util.Map.Entry<String, Entry>> victims = expiration.oldest(entries -> entries
          .filter(e -> e.getValue().isCompleted())
          .limit(batch)
          .map(e -> java.util.Map.entry(e.getKey(), e.getValue()))
          .toList());
      long evicted = 0;
      for (var victim : victims) {
        if (map.remove(victim.getKey(), victim.getValue())) {
          evicted++;
          notifyEvicted(FlatKey.parse(victim.getKey()));
        }
      }
      if (evicted < needed) {
        refuse(forKey, "all of its " + maximumSize + " records are in progress, and live leases are never evicted");
      }
    }
  }

  private void refuse(IdempotencyKey key, String why) {
    for (IdempotencyListener listener : listeners) {
      try {
        listener.onReservationRefused(key);
      } catch (RuntimeException ignored) {
        // observability must not change the outcome
      }
    }
    throw new StoreCapacityExceededException("memory store is full: " + why
        + "; raise maximumSize or lower the retention");
  }

  private void notifyEvicted(IdempotencyKey key) {
    for (IdempotencyListener listener : listeners) {
      try {
        listener.onRecordEvicted(key);
      } catch (RuntimeException ignored) {
        // observability must not change the outcome
      }
    }
  }

  private long deadline(Duration ttl) {
    return ticker.read() + ttl.toNanos();
  }

  private static Ticker clockTicker(Clock clock) {
    return () -> {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };
  }

  @Override
  public String toString() {
    return "MemoryStore[maximumSize=" + maximumSize + ", whenFull=" + whenFull + "]";
  }

  /** Builds a {@link MemoryStore}. */
  public static final class Builder {
    private long maximumSize = DEFAULT_MAXIMUM_SIZE;
    private WhenFull whenFull = WhenFull.EVICT_SOONEST_EXPIRING;
    private Clock clock;

    private Builder() {}

    /** Most records held at once, in progress and completed. Default 10,000. */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new IllegalArgumentException("maximumSize must be at least 1, was " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    public Builder whenFull(WhenFull whenFull) {
      this.whenFull = Objects.requireNonNull(whenFull, "whenFull");
      return this;
    }

    /** The clock that decides expiry. Default: the JVM's monotonic clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public MemoryStore build() {
      return new MemoryStore(this);
    }
  }
}
