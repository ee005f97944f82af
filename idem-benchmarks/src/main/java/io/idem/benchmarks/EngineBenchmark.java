package io.idem.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.Outcome;
import io.idem.memory.MemoryStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine on the in-memory store, next to the minimum work a cache must do for the same thing
 * (one putIfAbsent plus one compute), in the same run.
 *
 * <pre>java -jar idem-benchmarks/target/idem-benchmarks.jar EngineBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineBenchmark {

  private static final byte[] RESULT = new byte[64];
  private static final long RETENTION_SECONDS = Long.getLong("idem.bench.retentionSeconds", 1);

  /** Records expire after a second so that a long run does not fill the heap. */
  @State(Scope.Benchmark)
  public static class Engine {
    Idempotency engine;
    MemoryStore store;
    Cache<String, byte[]> rawCache;
    final AtomicLong sharedCounter = new AtomicLong();
    final Fingerprint fingerprint = Fingerprint.of("POST", "/payments", "{\"amount\":100}");
    final IdempotencyKey replayKey = IdempotencyKey.of("bench", "tenant", "replayed");

    @Setup(Level.Trial)
    public void setUp() {
      store = MemoryStore.builder().maximumSize(50_000_000).build();
      engine = Idempotency.create(store, IdempotencyConfig.custom()
          .lease(Duration.ofSeconds(RETENTION_SECONDS)).retention(Duration.ofSeconds(RETENTION_SECONDS)).build());
      rawCache = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(RETENTION_SECONDS)).executor(Runnable::run).build();
    }

    @Setup(Level.Iteration)
    public void completeReplayKey() {
      engine.execute(replayKey, fingerprint, () -> RESULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      engine.close();
    }
  }

  /**
   * The store as shipped: 10,000 records, 24 h retention. Once full, every new key evicts the
   * completed record closest to expiry: the steady state of a busy service on the default store.
   */
  @State(Scope.Benchmark)
  public static class FullDefaultStore {
    Idempotency engine;
    final Fingerprint fingerprint = Fingerprint.of("POST", "/payments", "{\"amount\":100}");

    @Setup(Level.Trial)
    public void setUp() {
      engine = Idempotency.create(MemoryStore.create());
      for (int i = 0; i < MemoryStore.DEFAULT_MAXIMUM_SIZE; i++) {
        engine.execute(IdempotencyKey.of("bench", "tenant", "fill-" + i), fingerprint, () -> RESULT);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      engine.close();
    }
  }

  /** Each thread's own stream of fresh keys. */
  @State(Scope.Thread)
  public static class Keys {
    long next;
    final String prefix = "k-" + Thread.currentThread().getId() + "-";

    String nextKey() {
      return prefix + next++;
    }
  }

  @Benchmark
  public Outcome<byte[]> newKeyExecuteAndComplete(Engine state, Keys keys) {
    return state.engine.execute(IdempotencyKey.of("bench", "tenant", keys.nextKey()), state.fingerprint, () -> RESULT);
  }

  @Benchmark
  public Outcome<byte[]> newKeyOnFullDefaultStore(FullDefaultStore state, Keys keys) {
    return state.engine.execute(IdempotencyKey.of("bench", "tenant", keys.nextKey()), state.fingerprint, () -> RESULT);
  }

  @Benchmark
  public Outcome<byte[]> replay(Engine state) {
    return state.engine.execute(state.replayKey, state.fingerprint, () -> RESULT);
  }

  /** Both threads draw keys from one counter: every key is executed by one thread and met by the other. */
  @Benchmark
  @Threads(2)
  public Outcome<byte[]> contendedKeyTwoThreads(Engine state) {
    long n = state.sharedCounter.getAndIncrement() / 2;
    return state.engine.execute(IdempotencyKey.of("bench", "tenant", "c-" + n), state.fingerprint, () -> RESULT);
  }

  /** The store alone, without the engine: reserve and complete a new key. */
  @Benchmark
  public boolean storeOnlyNewKey(Engine state, Keys keys) {
    IdempotencyKey key = IdempotencyKey.of("bench", "tenant", keys.nextKey());
    LeaseToken token = LeaseToken.random();
    state.store.reserve(key, state.fingerprint, token, Duration.ofSeconds(RETENTION_SECONDS));
    return state.store.complete(key, token, RESULT, Duration.ofSeconds(RETENTION_SECONDS));
  }

  /** The floor: what a bare cache does for a new key (insert if absent, then replace). */
  @Benchmark
  public byte[] rawCacheNewKey(Engine state, Keys keys) {
    String key = keys.nextKey();
    state.rawCache.asMap().putIfAbsent(key, RESULT);
    return state.rawCache.asMap().computeIfPresent(key, (k, v) -> RESULT);
  }

  /** The floor for a replay: one lookup. */
  @Benchmark
  public byte[] rawCacheHit(Engine state) {
    return state.rawCache.asMap().computeIfAbsent("replayed", k -> RESULT);
  }
}
