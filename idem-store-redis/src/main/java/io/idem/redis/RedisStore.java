package io.idem.redis;

import io.idem.CorruptRecordException;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.KeyWatch;
import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.Reservation;
import io.idem.spi.SignallingStore;
import io.idem.spi.StoredRecord;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The Redis store: standalone Redis, Sentinel-managed Redis and Redis Cluster, through Lettuce.
 * Requires Redis 7.0 or newer ({@code SET .. NX GET}).
 *
 * <h2>Round trips</h2>
 * <ul>
 *   <li>{@code reserve}: one {@code SET key value NX PX lease GET}. A nil answer means acquired;
 *       anything else is the live record.</li>
 *   <li>{@code complete}, {@code release}, {@code extend}: one {@code EVALSHA} each of a script that
 *       checks the lease token inside the value (a second round trip only after {@code NOSCRIPT}).
 *       With {@link Builder#waitForReplicas}, complete adds one {@code WAIT}.</li>
 *   <li>{@code find}: one {@code GET}. {@code delete}: one {@code EVALSHA}.</li>
 *   <li>{@code purge}: {@code SCAN MATCH} over every master plus {@code UNLINK} per page; the count is
 *       exact for the keys it removed.</li>
 * </ul>
 * Every operation touches one key, so a Cluster spreads records over all slots.
 *
 * <h2>Time and failure</h2>
 * Leases and retention are Redis TTLs ({@code PX}): the server's clock decides expiry, never this
 * JVM's. Every command is bounded by {@link Builder#commandTimeout} (default 2 s): a server that is
 * down, unreachable or slow surfaces as {@link StoreUnavailableException} within it, never a hang.
 * A client the store opened itself rejects commands at once while disconnected and reconnects on its
 * own (at most a second apart), so calls succeed again when the server is back. Bytes under a key
 * that are not an Idem record raise {@link CorruptRecordException} naming the key.
 *
 * <h2>Blocking and asynchronous calls</h2>
 * The asynchronous SPI calls ({@link #reserveAsync}, {@link #completeAsync}, ...) are the primitive:
 * each sends its commands and returns a {@link CompletionStage}, for the engine's asynchronous path,
 * event-loop and reactive callers: no thread waits, so many requests share Lettuce's I/O threads
 * without a hand-off per command (use {@link Builder#connections} 2 for them). Each blocking call
 * awaits its asynchronous twin, so both have the same commands, bound and failures.
 *
 * <h2>Eviction</h2>
 * At start the store reads {@code maxmemory-policy} and {@code maxmemory} from every master and logs a
 * warning when Redis could evict Idem's records: an evicted record lets a retry run the request
 * twice. Use {@code noeviction}.
 *
 * <h2>Waiting duplicates</h2>
 * The store wakes a duplicate waiting for a running attempt as soon as the attempt completes or
 * releases its key, on any instance ({@link SignallingStore}): the complete, release and delete scripts
 * publish on the key's shard channel, and a subscriber connection, opened when the first duplicate
 * waits, listens to the keys someone waits on (decision 0110). A request that does not wait sends
 * nothing more. A store handed a connection has no client to subscribe with: its waiters poll.
 *
 * <h2>Ownership</h2>
 * A store built from a URI opens and closes its own client. A store built from a client opens and
 * closes its own connection but never the client; a store built from a connection closes nothing.
 */
public final class RedisStore implements LeaseExtendingStore, SignallingStore {

  /** The prefix of every key the store writes, unless {@link Builder#keyPrefix} says otherwise. */
  public static final String DEFAULT_KEY_PREFIX = "idem:";
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  private static final String CLUSTER_KEEPS_NODE_CONNECTIONS = "a Cluster connection already keeps one connection per node";

  private final RedisBackend backend;
  private final RedisSignals signals;
  private final RecordCommands records;
  private final NamespacePurge purge;
  private final String keyPrefix;
  private final Duration commandTimeout;
  private final int replicas;
  private final Duration replicaTimeout;
  private final int connections;
  private final List<String> evictionWarnings;

  private RedisStore(Builder builder, RedisBackend backend) {
    this.backend = backend;
    this.keyPrefix = builder.keyPrefix;
    this.commandTimeout = builder.commandTimeout;
    this.replicas = builder.replicas;
    this.replicaTimeout = builder.replicaTimeout;
    this.connections = builder.connections;
    BoundedCommands commands = new BoundedCommands(backend, commandTimeout);
    this.signals = new RedisSignals(backend.subscribers(), "a store handed a connection has no client to open a"
        + " subscriber connection from: build it from the client or a URI to wake waiters", commandTimeout);
    this.records = new RecordCommands(commands, keyPrefix, replicas, replicaTimeout, signals);
    this.purge = new NamespacePurge(commands, keyPrefix);
    this.evictionWarnings = EvictionCheck.run(commands);
  }

  /** A store on its own client for a {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URI. */
  public static RedisStore create(String redisUri) {
    return builder(redisUri).build();
  }

  /** A store on its own connection from the caller's client; the client stays the caller's. */
  public static RedisStore create(RedisClient client) {
    return builder(client).build();
  }

  /** A store on its own Cluster connection from the caller's client; the client stays the caller's. */
  public static RedisStore create(RedisClusterClient client) {
    return builder(client).build();
  }

  /** A store on the caller's connection, which it never closes. Lettuce multiplexes it safely. */
  public static RedisStore create(StatefulRedisConnection<byte[], byte[]> connection) {
    return builder(connection).build();
  }

  /** A store on the caller's Cluster connection, which it never closes. */
  public static RedisStore create(StatefulRedisClusterConnection<byte[], byte[]> connection) {
    return builder(connection).build();
  }

  /** A store on its own Cluster client for the {@code redis://} URI of any Cluster node. */
  public static RedisStore createCluster(String redisUri) {
    return clusterBuilder(redisUri).build();
  }

  /**
   * Options for a store on its own client for a {@code redis://}, {@code rediss://} or
   * {@code redis-sentinel://} URI.
   *
   * @throws IllegalArgumentException when the URI cannot be parsed
   */
  public static Builder builder(String redisUri) {
    return new Builder(BackendOpener.ownClient(redisUri), null);
  }

  /** Options for a store on its own Cluster client, seeded with the URI of any Cluster node. */
  public static Builder clusterBuilder(String redisUri) {
    return new Builder(BackendOpener.ownClusterClient(redisUri), CLUSTER_KEEPS_NODE_CONNECTIONS);
  }

  /** Options for a store on its own connection from the caller's client. */
  public static Builder builder(RedisClient client) {
    return new Builder(BackendOpener.onClient(client), null);
  }

  /** Options for a store on its own Cluster connection from the caller's client. */
  public static Builder builder(RedisClusterClient client) {
    return new Builder(BackendOpener.onClusterClient(client), CLUSTER_KEEPS_NODE_CONNECTIONS);
  }

  /** Options for a store on the caller's connection. */
  public static Builder builder(StatefulRedisConnection<byte[], byte[]> connection) {
    return new Builder(BackendOpener.onConnection(connection), "the store uses the connection it was handed");
  }

  /** Options for a store on the caller's Cluster connection. */
  public static Builder builder(StatefulRedisClusterConnection<byte[], byte[]> connection) {
    return new Builder(BackendOpener.onClusterConnection(connection), CLUSTER_KEEPS_NODE_CONNECTIONS);
  }

  // Each blocking call awaits its asynchronous twin: one code path, so a fix lands in both.

  @Override
  public Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Duration lease) {
    return BoundedCommands.await("reserve", reserveAsync(key, fingerprint, token, lease));
  }

  @Override
  public boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    return BoundedCommands.await("complete", completeAsync(key, token, result, retention));
  }

  @Override
  public boolean release(IdempotencyKey key, LeaseToken token) {
    return BoundedCommands.await("release", releaseAsync(key, token));
  }

  @Override
  public boolean extend(IdempotencyKey key, LeaseToken token, Duration lease) {
    return BoundedCommands.await("extend", extendAsync(key, token, lease));
  }

  @Override
  public Optional<StoredRecord> find(IdempotencyKey key) {
    return BoundedCommands.await("find", findAsync(key));
  }

  /**
   * One {@code SET .. NX PX .. GET}. The stage fails with {@link StoreUnavailableException} (no
   * answer within the command timeout included) or {@link CorruptRecordException}, as the blocking
   * call throws them; bad arguments throw at once.
   *
   * <p>Like every asynchronous call of this store, the stage completes on Lettuce's I/O thread: attach
   * callbacks that block with an executor ({@code thenApplyAsync(fn, executor)}), never directly.
   */
  @Override
  public CompletionStage<Reservation> reserveAsync(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease) {
    return records.sendReserve(key, fingerprint, token, lease);
  }

  /**
   * One fenced {@code EVALSHA}, then, with {@link Builder#waitForReplicas}, one {@code WAIT}; fails as
   * {@link #reserveAsync} does.
   */
  @Override
  public CompletionStage<Boolean> completeAsync(IdempotencyKey key, LeaseToken token, byte[] result,
      Duration retention) {
    return records.sendComplete(key, token, result, retention);
  }

  /** One fenced {@code EVALSHA}; fails as {@link #reserveAsync} does. */
  @Override
  public CompletionStage<Boolean> releaseAsync(IdempotencyKey key, LeaseToken token) {
    return records.sendRelease(key, token);
  }

  /** One fenced {@code EVALSHA}; fails as {@link #reserveAsync} does. */
  @Override
  public CompletionStage<Boolean> extendAsync(IdempotencyKey key, LeaseToken token, Duration lease) {
    return records.sendExtend(key, token, lease);
  }

  /** One {@code GET}; fails as {@link #reserveAsync} does. */
  @Override
  public CompletionStage<Optional<StoredRecord>> findAsync(IdempotencyKey key) {
    return records.sendFind(key);
  }

  /**
   * Subscribes to the key's shard channel, opening the store's subscriber connection on first use;
   * throws {@link StoreUnavailableException} while that connection is down (the engine then polls).
   */
  @Override
  public KeyWatch watch(IdempotencyKey key) {
    return signals.watch(records.name(key));
  }

  /** One {@code EVALSHA} that deletes the key and wakes its waiters. */
  @Override
  public boolean delete(IdempotencyKey key) {
    return BoundedCommands.await("delete", records.sendDelete(key));
  }

  /**
   * Scans every master for the namespace's keys ({@code SCAN MATCH}, glob characters escaped) and
   * unlinks them page by page. Returns the number of keys removed; keys written while it runs may
   * survive.
   */
  @Override
  public long purge(String namespace) {
    return purge.purge(namespace);
  }

  @Override
  public void close() {
    try {
      signals.close();
    } finally {
      backend.close();
    }
  }

  /** The warnings the eviction check logged at start, one per master that could evict. */
  List<String> evictionWarnings() {
    return evictionWarnings;
  }

  @Override
  public String toString() {
    return "RedisStore[keyPrefix=" + keyPrefix + ", commandTimeout=" + commandTimeout
        + (connections > 1 ? ", connections=" + connections : "")
        + (replicas > 0 ? ", waitForReplicas=" + replicas + " within " + replicaTimeout : "") + "]";
  }

  /** Options of a {@link RedisStore}; every setter validates at once. */
  public static final class Builder {
    private final BackendOpener opener;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int replicas;
    private Duration replicaTimeout = Duration.ZERO;
    private int connections = 1;
    private final String connectionsUnsupported;

    /** @param connectionsUnsupported why this kind of store refuses more than one connection; null when it accepts them */
    private Builder(BackendOpener opener, String connectionsUnsupported) {
      this.opener = opener;
      this.connectionsUnsupported = connectionsUnsupported;
    }

    /**
     * How many connections a store opens to a standalone or Sentinel-managed server (1 to 16,
     * default 1). Each is served by its own Lettuce I/O thread; keys are spread over them by hash, so
     * every command on one key, {@code WAIT} included, goes through the same connection. One
     * multiplexed connection serves blocking callers well; with the {@code *Async} calls, 2 let the
     * client and the server work at the same time instead of taking turns, when the machine has CPU
     * to spare (BENCHMARKS.md).
     *
     * @throws IllegalArgumentException outside 1..16
     * @throws IllegalStateException at {@link #build()}, for a Cluster (Lettuce already keeps a
     *     connection per node) or a connection the caller handed in
     */
    public Builder connections(int connections) {
      if (connections < 1 || connections > 16) {
        throw new IllegalArgumentException("connections must be between 1 and 16, was " + connections);
      }
      this.connections = connections;
      return this;
    }

    /**
     * Prepended to every key, so Idem's records are recognisable and {@code purge} never scans other
     * applications' keys. Default {@code idem:}. Two stores with different prefixes never see each
     * other's records.
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      for (int i = 0; i < keyPrefix.length(); i++) {
        if (Character.isISOControl(keyPrefix.charAt(i))) {
          throw new IllegalArgumentException("keyPrefix has a control character at index " + i + ": "
              + keyPrefix.replaceAll("\\p{Cntrl}", "?"));
        }
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** The longest any one command may take before the call fails with StoreUnavailableException. Default 2 s. */
    public Builder commandTimeout(Duration commandTimeout) {
      Objects.requireNonNull(commandTimeout, "commandTimeout");
      if (commandTimeout.isNegative() || commandTimeout.toMillis() < 1) {
        throw new IllegalArgumentException("commandTimeout must be at least 1 ms, was " + commandTimeout);
      }
      this.commandTimeout = commandTimeout;
      return this;
    }

    /**
     * After each successful complete, {@code WAIT} until {@code replicas} replicas hold the result, at
     * most {@code timeout}. When fewer acknowledge in time, complete throws
     * {@link StoreUnavailableException} (the result stays on the master). Off by default.
     */
    public Builder waitForReplicas(int replicas, Duration timeout) {
      if (replicas < 1) {
        throw new IllegalArgumentException("replicas must be at least 1, was " + replicas);
      }
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.toMillis() < 1) {
        // WAIT with 0 blocks forever: never let that through.
        throw new IllegalArgumentException("the replica timeout must be at least 1 ms, was " + timeout);
      }
      this.replicas = replicas;
      this.replicaTimeout = timeout;
      return this;
    }

    /**
     * Connects (when the store opens its own connection) and checks the eviction policy.
     *
     * @throws StoreUnavailableException when the store cannot connect
     */
    public RedisStore build() {
      if (connections > 1 && connectionsUnsupported != null) {
        throw new IllegalStateException("connections(" + connections + ") needs a store that opens its own"
            + " standalone connections; " + connectionsUnsupported);
      }
      RedisBackend backend = opener.open(commandTimeout, connections);
      try {
        return new RedisStore(this, backend);
      } catch (RuntimeException e) {
        backend.close();
        throw e;
      }
    }
  }
}
