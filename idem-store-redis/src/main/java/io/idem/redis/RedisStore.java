package io.idem.redis;

import io.idem.CorruptRecordException;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *   <li>{@code find}: one {@code GET}. {@code delete}: one {@code DEL}.</li>
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
 * The {@link io.idem.spi.IdempotencyStore} methods block the calling thread for each answer. Each
 * also has an {@code *Async} twin ({@link #reserveAsync}, {@link #completeAsync}, ...) that issues
 * the same commands and returns a {@link CompletionStage}, for event-loop and reactive callers: no
 * thread waits, so many requests share Lettuce's I/O threads without a hand-off per command (use
 * {@link Builder#connections} 2 for them).
 * Both kinds have the same bound and the same failures.
 *
 * <h2>Eviction</h2>
 * At start the store reads {@code maxmemory-policy} and {@code maxmemory} from every master and logs a
 * warning when Redis could evict Idem's records: an evicted record lets a retry run the request
 * twice. Use {@code noeviction}.
 *
 * <h2>Ownership</h2>
 * A store built from a URI opens and closes its own client. A store built from a client opens and
 * closes its own connection but never the client; a store built from a connection closes nothing.
 */
public final class RedisStore implements LeaseExtendingStore {

  /** The prefix of every key the store writes, unless {@link Builder#keyPrefix} says otherwise. */
  public static final String DEFAULT_KEY_PREFIX = "idem:";
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  static final String STORE_NAME = "redis";
  private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
  private static final int SCAN_PAGE = 1000;

  private final RedisBackend backend;
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
    this.evictionWarnings = checkEviction();
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
    parseUri(redisUri);
    return new Builder((timeout, connections) -> {
      ClientResources resources = ownResources(connections);
      RedisClient client = RedisClient.create(resources, parseUri(redisUri, timeout));
      client.setOptions(ClientOptions.builder()
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
          .build());
      List<AutoCloseable> owned = new ArrayList<>(List.of(client::shutdown, () -> resources.shutdown()));
      try {
        return RedisBackend.standalone(connect(client, connections, owned), owned, true);
      } catch (RuntimeException e) {
        closeQuietly(owned);
        throw connectFailed(e);
      }
    });
  }

  /** Options for a store on its own Cluster client, seeded with the URI of any Cluster node. */
  public static Builder clusterBuilder(String redisUri) {
    parseUri(redisUri);
    return new Builder((timeout, connections) -> {
      ClientResources resources = ownResources(1);
      RedisClusterClient client = RedisClusterClient.create(resources, parseUri(redisUri, timeout));
      client.setOptions(ClusterClientOptions.builder()
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
          .build());
      List<AutoCloseable> owned = new ArrayList<>(List.of(client::shutdown, () -> resources.shutdown()));
      try {
        StatefulRedisClusterConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
        owned.add(0, connection);
        return RedisBackend.cluster(connection, owned, true);
      } catch (RuntimeException e) {
        closeQuietly(owned);
        throw connectFailed(e);
      }
    }, "a Cluster connection already keeps one connection per node");
  }

  /** Options for a store on its own connection from the caller's client. */
  public static Builder builder(RedisClient client) {
    Objects.requireNonNull(client, "client");
    return new Builder((timeout, connections) -> {
      List<AutoCloseable> owned = new ArrayList<>();
      try {
        return RedisBackend.standalone(connect(client, connections, owned), owned, false);
      } catch (RuntimeException e) {
        closeQuietly(owned);
        throw connectFailed(e);
      }
    });
  }

  /** Options for a store on its own Cluster connection from the caller's client. */
  public static Builder builder(RedisClusterClient client) {
    Objects.requireNonNull(client, "client");
    return new Builder((timeout, connections) -> {
      try {
        StatefulRedisClusterConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
        return RedisBackend.cluster(connection, List.of(connection), false);
      } catch (RuntimeException e) {
        throw connectFailed(e);
      }
    }, "a Cluster connection already keeps one connection per node");
  }

  /** Options for a store on the caller's connection. */
  public static Builder builder(StatefulRedisConnection<byte[], byte[]> connection) {
    Objects.requireNonNull(connection, "connection");
    return new Builder((timeout, connections) -> RedisBackend.standalone(List.of(connection), List.of(), false),
        "the store uses the connection it was handed");
  }

  /** Options for a store on the caller's Cluster connection. */
  public static Builder builder(StatefulRedisClusterConnection<byte[], byte[]> connection) {
    Objects.requireNonNull(connection, "connection");
    return new Builder((timeout, connections) -> RedisBackend.cluster(connection, List.of(), false),
        "a Cluster connection already keeps one connection per node");
  }

  @Override
  public Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Duration lease) {
    return await("reserve", key, commandTimeout, sendReserve(key, fingerprint, token, lease));
  }

  @Override
  public boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    boolean completed = await(LuaScript.COMPLETE.name, key, commandTimeout, sendComplete(key, token, result, retention));
    if (completed && replicas > 0) {
      await("complete", key, replicaWaitTimeout(), sendReplicaWait(key)).run();
    }
    return completed;
  }

  @Override
  public boolean release(IdempotencyKey key, LeaseToken token) {
    return await(LuaScript.RELEASE.name, key, commandTimeout, sendRelease(key, token));
  }

  @Override
  public boolean extend(IdempotencyKey key, LeaseToken token, Duration lease) {
    return await(LuaScript.EXTEND.name, key, commandTimeout, sendExtend(key, token, lease));
  }

  @Override
  public Optional<StoredRecord> find(IdempotencyKey key) {
    return await("find", key, commandTimeout, sendFind(key));
  }

  /**
   * {@link #reserve} without blocking: the same single {@code SET .. NX PX .. GET}. The stage fails
   * with {@link StoreUnavailableException} (no answer within the command timeout included) or
   * {@link CorruptRecordException}, as the blocking call throws them; bad arguments throw at once.
   *
   * <p>Like every {@code *Async} method, the stage completes on Lettuce's I/O thread: attach
   * callbacks that block with an executor ({@code thenApplyAsync(fn, executor)}), never directly.
   */
  @Override
  public CompletionStage<Reservation> reserveAsync(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease) {
    return bounded("reserve", key, commandTimeout, sendReserve(key, fingerprint, token, lease));
  }

  /**
   * {@link #complete} without blocking: one fenced {@code EVALSHA}, then, with
   * {@link Builder#waitForReplicas}, one {@code WAIT}; fails as {@link #reserveAsync} does.
   */
  @Override
  public CompletionStage<Boolean> completeAsync(IdempotencyKey key, LeaseToken token, byte[] result,
      Duration retention) {
    CompletionStage<Boolean> completed =
        bounded(LuaScript.COMPLETE.name, key, commandTimeout, sendComplete(key, token, result, retention));
    if (replicas == 0) {
      return completed;
    }
    return completed.thenCompose(done -> done
        ? bounded("complete", key, replicaWaitTimeout(), sendReplicaWait(key)).thenApply(check -> {
          check.run();
          return true;
        })
        : CompletableFuture.completedFuture(false));
  }

  /** {@link #release} without blocking: one fenced {@code EVALSHA}; fails as {@link #reserveAsync} does. */
  @Override
  public CompletionStage<Boolean> releaseAsync(IdempotencyKey key, LeaseToken token) {
    return bounded(LuaScript.RELEASE.name, key, commandTimeout, sendRelease(key, token));
  }

  /** {@link #extend} without blocking: one fenced {@code EVALSHA}; fails as {@link #reserveAsync} does. */
  @Override
  public CompletionStage<Boolean> extendAsync(IdempotencyKey key, LeaseToken token, Duration lease) {
    return bounded(LuaScript.EXTEND.name, key, commandTimeout, sendExtend(key, token, lease));
  }

  /** {@link #find} without blocking: one {@code GET}; fails as {@link #reserveAsync} does. */
  @Override
  public CompletionStage<Optional<StoredRecord>> findAsync(IdempotencyKey key) {
    return bounded("find", key, commandTimeout, sendFind(key));
  }

  // The send* methods check the arguments (throwing at once), issue the commands and map the answer;
  // the blocking and the asynchronous methods differ only in how they wait for it.

  private CompletableFuture<Reservation> sendReserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(token, "token");
    long leaseMillis = millis(lease, "lease");
    byte[] redisKey = redisKey(key);
    byte[] value = RecordLayout.inProgress(fingerprint, token);
    return send(() -> backend.commandsFor(redisKey).setGet(redisKey, value, SetArgs.Builder.nx().px(leaseMillis)))
        .thenApply(existing -> existing == null
            ? Reservation.acquired(token)
            : Reservation.found(RecordLayout.decode(existing, name(key))));
  }

  private CompletableFuture<Boolean> sendComplete(IdempotencyKey key, LeaseToken token, byte[] result,
      Duration retention) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
    long retentionMillis = millis(retention, "retention");
    return sendFenced(LuaScript.COMPLETE, key, RecordLayout.heldPrefix(token), result, decimal(retentionMillis));
  }

  private CompletableFuture<Boolean> sendRelease(IdempotencyKey key, LeaseToken token) {
    Objects.requireNonNull(token, "token");
    return sendFenced(LuaScript.RELEASE, key, RecordLayout.heldPrefix(token));
  }

  private CompletableFuture<Boolean> sendExtend(IdempotencyKey key, LeaseToken token, Duration lease) {
    Objects.requireNonNull(token, "token");
    long leaseMillis = millis(lease, "lease");
    return sendFenced(LuaScript.EXTEND, key, RecordLayout.heldPrefix(token), decimal(leaseMillis));
  }

  private CompletableFuture<Optional<StoredRecord>> sendFind(IdempotencyKey key) {
    byte[] redisKey = redisKey(key);
    return send(() -> backend.commandsFor(redisKey).get(redisKey))
        .thenApply(value -> value == null ? Optional.empty() : Optional.of(RecordLayout.decode(value, name(key))));
  }

  @Override
  public boolean delete(IdempotencyKey key) {
    byte[] redisKey = redisKey(key);
    Long removed = await("delete", key, commandTimeout, () -> backend.commandsFor(redisKey).del(redisKey));
    return removed != null && removed > 0;
  }

  /**
   * Scans every master for the namespace's keys ({@code SCAN MATCH}, glob characters escaped) and
   * unlinks them page by page. Returns the number of keys removed; keys written while it runs may
   * survive.
   */
  @Override
  public long purge(String namespace) {
    String prefix = keyPrefix + IdempotencyKey.namespacePrefix(namespace);
    ScanArgs match = new ScanArgs().match(escapeGlob(prefix).concat("*").getBytes(StandardCharsets.UTF_8))
        .limit(SCAN_PAGE);
    long removed = 0;
    for (RedisBackend.Node node : masters("purge")) {
      ScanCursor cursor = ScanCursor.INITIAL;
      KeyScanCursor<byte[]> page;
      do {
        ScanCursor from = cursor;
        page = await("purge", prefix, commandTimeout, () -> node.commands().scan(from, match));
        byte[][] keys = page.getKeys().toArray(new byte[0][]);
        if (keys.length > 0) {
          Long unlinked = await("purge", prefix, commandTimeout, () -> backend.commands().unlink(keys));
          removed += unlinked == null ? 0 : unlinked;
        }
        cursor = page;
      } while (!page.isFinished());
    }
    return removed;
  }

  @Override
  public void close() {
    backend.close();
  }

  /** The warnings the eviction check logged at start, one per master that could evict. */
  List<String> evictionWarnings() {
    return evictionWarnings;
  }

  /** One {@code EVALSHA} of a fenced script; after {@code NOSCRIPT}, one {@code EVAL} that caches it again. */
  private CompletableFuture<Boolean> sendFenced(LuaScript script, IdempotencyKey key, byte[]... args) {
    byte[] redisKey = redisKey(key);
    byte[][] keys = {redisKey};
    RedisClusterAsyncCommands<byte[], byte[]> commands = backend.commandsFor(redisKey);
    return send(() -> commands.<Long>evalsha(script.sha1, ScriptOutputType.INTEGER, keys, args))
        .exceptionallyCompose(failure -> cause(failure) instanceof RedisNoScriptException
            // A restarted, failed-over or flushed server forgot the script: EVAL sends it, and caches it again.
            ? send(() -> commands.<Long>eval(script.source, ScriptOutputType.INTEGER, keys, args))
            : CompletableFuture.failedFuture(failure))
        .thenApply(outcome -> {
          if (outcome != null && outcome == LuaScript.FOREIGN_VALUE) {
            throw RecordLayout.corrupt(name(key), "it does not start with an Idem header of format version "
                + RecordLayout.VERSION);
          }
          return outcome != null && outcome == LuaScript.DONE;
        });
  }

  /**
   * {@code WAIT} on the connection that wrote the key. The answer is a check to run: it throws when
   * fewer replicas than asked acknowledged the write in time.
   */
  private CompletableFuture<Runnable> sendReplicaWait(IdempotencyKey key) {
    byte[] redisKey = redisKey(key);
    return send(() -> backend.writerOf(redisKey).waitForReplication(replicas, replicaTimeout.toMillis()))
        .thenApply(acknowledged -> () -> {
          long count = acknowledged == null ? 0 : acknowledged;
          if (count < replicas) {
            throw new StoreUnavailableException(STORE_NAME, "complete", "the result under '" + name(key)
                + "' is stored on the master, but only " + count + " of " + replicas
                + " replicas acknowledged it within " + replicaTimeout
                + "; a failover now could lose it and let a retry run the request again", null);
          }
        });
  }

  private Duration replicaWaitTimeout() {
    return commandTimeout.plus(replicaTimeout);
  }

  /**
   * Issues one command. Lettuce may refuse at once (disconnected, or no route to a Cluster node): the
   * refusal becomes the future's failure, so every way of waiting translates it alike.
   */
  private static <T> CompletableFuture<T> send(Supplier<RedisFuture<T>> command) {
    try {
      return command.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Blocks for one command's answer, at most {@code timeout}; see {@link #translate}. */
  private <T> T await(String operation, Object subject, Duration timeout, Supplier<RedisFuture<T>> command) {
    return await(operation, subject, timeout, send(command));
  }

  /**
   * Blocks for an answer, at most {@code timeout}. Everything that is not an answer becomes
   * {@link StoreUnavailableException}, except a value that is not an Idem record
   * ({@link CorruptRecordException}).
   */
  private <T> T await(String operation, Object subject, Duration timeout, CompletableFuture<T> future) {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreUnavailableException(STORE_NAME, operation, "no answer from Redis within " + timeout, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(STORE_NAME, operation, "interrupted while waiting for Redis", e);
    } catch (ExecutionException e) {
      throw translate(e.getCause(), operation, subject);
    }
  }

  /**
   * The asynchronous twin of {@link #await}: the same bound and the same failures, as a stage. A
   * client the store opened fails commands after {@code commandTimeout} itself (with a cheaper timer
   * than a scheduled future's); on a caller's client or connection the stage carries its own timer.
   */
  private <T> CompletionStage<T> bounded(String operation, Object subject, Duration timeout,
      CompletableFuture<T> future) {
    boolean ownTimer = !backend.clientTimesOutCommands() || timeout.compareTo(commandTimeout) > 0;
    return (ownTimer ? future.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS) : future)
        .exceptionallyCompose(failure -> {
          Throwable cause = cause(failure);
          return CompletableFuture.failedFuture(cause instanceof TimeoutException
              ? new StoreUnavailableException(STORE_NAME, operation, "no answer from Redis within " + timeout, cause)
              : translate(cause, operation, subject));
        });
  }

  /** The failure inside the wrappers a completion stage adds. */
  private static Throwable cause(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private RuntimeException translate(Throwable failure, String operation, Object subject) {
    if (failure instanceof CorruptRecordException || failure instanceof StoreUnavailableException) {
      return (RuntimeException) failure;
    }
    String message = String.valueOf(failure.getMessage());
    if (failure instanceof RedisCommandExecutionException && message.contains("WRONGTYPE")
        && subject instanceof IdempotencyKey key) {
      return RecordLayout.corrupt(name(key), "it holds another Redis type than a string (" + message + ")");
    }
    return new StoreUnavailableException(STORE_NAME, operation, message, failure);
  }

  private List<String> checkEviction() {
    List<String> warnings = new ArrayList<>();
    for (RedisBackend.Node node : masters("start")) {
      Map<String, String> config;
      try {
        config = await("start", node.name(), commandTimeout,
            () -> node.commands().configGet("maxmemory-policy", "maxmemory"));
      } catch (RuntimeException e) {
        LOG.info("Could not read maxmemory-policy from Redis {} ({}). Make sure it is noeviction: an evicted"
            + " Idem record lets a retry run the request twice.", node.name(), e.getMessage());
        continue;
      }
      EvictionCheck.warningFor(node.name(), config.get("maxmemory-policy"),
              EvictionCheck.parseMaxmemory(config.get("maxmemory")))
          .ifPresent(warning -> {
            LOG.warn(warning);
            warnings.add(warning);
          });
    }
    return List.copyOf(warnings);
  }

  /** The masters, whose discovery on a Cluster opens node connections and can fail like any command. */
  private List<RedisBackend.Node> masters(String operation) {
    try {
      return backend.masters();
    } catch (RuntimeException e) {
      throw translate(e, operation, "masters");
    }
  }

  private byte[] redisKey(IdempotencyKey key) {
    return name(key).getBytes(StandardCharsets.UTF_8);
  }

  private String name(IdempotencyKey key) {
    return keyPrefix + Objects.requireNonNull(key, "key").encoded();
  }

  /** Escapes Redis glob characters, so a prefix matches only itself in {@code SCAN MATCH}. */
  static String escapeGlob(String literal) {
    StringBuilder escaped = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  private static long millis(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + duration);
    }
    // Redis TTLs are whole milliseconds; never round a positive duration down to "no expiry".
    return Math.max(1, duration.toMillis());
  }

  private static byte[] decimal(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  private static RedisURI parseUri(String redisUri) {
    Objects.requireNonNull(redisUri, "redisUri");
    try {
      return RedisURI.create(redisUri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a Redis URI (redis://, rediss:// or redis-sentinel://): "
          + e.getMessage(), e);
    }
  }

  /** A fresh URI per client, so each carries its own timeout (a copy through RedisURI.builder drops Sentinels). */
  private static RedisURI parseUri(String redisUri, Duration timeout) {
    RedisURI uri = parseUri(redisUri);
    uri.setTimeout(timeout);
    return uri;
  }

  /**
   * Resources of a client the store opens itself. Reconnects start at once and back off to at most a
   * second, so a restarted Redis is used again soon. Flushes are consolidated: every caller thread
   * flushes its own command, and writing once per event-loop turn instead of once per command lets
   * concurrent commands share a system call and a packet (pipelining without batching in the API).
   */
  /**
   * Opens {@code connections} connections, adding each to {@code owned} (first, so they close before
   * the client) as soon as it is open.
   */
  private static List<StatefulRedisConnection<byte[], byte[]>> connect(RedisClient client, int connections,
      List<AutoCloseable> owned) {
    List<StatefulRedisConnection<byte[], byte[]>> opened = new ArrayList<>(connections);
    for (int i = 0; i < connections; i++) {
      StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
      owned.add(0, connection);
      opened.add(connection);
    }
    return opened;
  }

  /** Resources with an I/O thread for each connection (Netty hands channels to its threads in turn). */
  private static ClientResources ownResources(int connections) {
    return ClientResources.builder()
        .ioThreadPoolSize(Math.max(connections, Math.max(2, Runtime.getRuntime().availableProcessors())))
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
        .nettyCustomizer(new NettyCustomizer() {
          @Override
          public void afterChannelInitialized(Channel channel) {
            channel.pipeline().addFirst(new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
          }
        })
        .build();
  }

  private static StoreUnavailableException connectFailed(RuntimeException e) {
    return new StoreUnavailableException(STORE_NAME, "connect", String.valueOf(e.getMessage()), e);
  }

  private static void closeQuietly(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception ignored) {
        // the connect failure is what the caller needs to see
      }
    }
  }

  @Override
  public String toString() {
    return "RedisStore[keyPrefix=" + keyPrefix + ", commandTimeout=" + commandTimeout
        + (connections > 1 ? ", connections=" + connections : "")
        + (replicas > 0 ? ", waitForReplicas=" + replicas + " within " + replicaTimeout : "") + "]";
  }

  /** Opens the store's connection once {@link Builder#build()} knows the timeout. */
  @FunctionalInterface
  interface Opener {
    RedisBackend open(Duration commandTimeout, int connections);
  }

  /** Options of a {@link RedisStore}; every setter validates at once. */
  public static final class Builder {
    private final Opener opener;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int replicas;
    private Duration replicaTimeout = Duration.ZERO;
    private int connections = 1;
    private final String connectionsUnsupported;

    private Builder(Opener opener, String connectionsUnsupported) {
      this.opener = opener;
      this.connectionsUnsupported = connectionsUnsupported;
    }

    private Builder(Opener opener) {
      this(opener, null);
    }

    /**
     * How many connections a store opens to a standalone or Sentinel-managed server (1 to 16,
     * default 1). Each is served by its own Lettuce I/O thread; keys are spread over them by hash, so
     * every command on one key, {@code WAIT} included, goes through the same connection. One
     * multiplexed connection serves blocking callers well; with the {@code *Async} calls, 2 let the
     * client and the server work at the same time instead of taking turns (BENCHMARKS.md).
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
