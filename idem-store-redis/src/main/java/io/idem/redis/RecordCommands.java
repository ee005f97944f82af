package io.idem.redis;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The commands of each per-key operation, one {@code send*} method per operation: each checks the
 * arguments (throwing at once), issues the operation's commands on the key's connection, maps the
 * answer, and returns a stage bounded and translated by {@link BoundedCommands} (after the mapping,
 * so a record that cannot be read fails the stage as it is, not wrapped). The store's
 * asynchronous calls return these stages and its blocking calls await them, so both faces run the
 * same code.
 */
final class RecordCommands {

  private final BoundedCommands commands;
  private final String keyPrefix;
  private final int replicas;
  private final Duration replicaTimeout;
  private final RedisSignals signals;

  /**
   * @param replicas how many replicas {@code WAIT} after each successful complete asks for; 0 for no
   *     {@code WAIT}
   * @param signals whose confirmation a reserve of a key with a subscription on its way waits for
   */
  RecordCommands(BoundedCommands commands, String keyPrefix, int replicas, Duration replicaTimeout,
      RedisSignals signals) {
    this.commands = commands;
    this.signals = signals;
    this.keyPrefix = keyPrefix;
    this.replicas = replicas;
    this.replicaTimeout = replicaTimeout;
  }

  /** One {@code SET key value NX PX lease GET}: nil means acquired, anything else is the live record. */
  CompletableFuture<Reservation> sendReserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(token, "token");
    long leaseMillis = millis(lease, "lease");
    String name = name(key);
    byte[] redisKey = bytes(name);
    byte[] value = RecordLayout.inProgress(fingerprint, token);
    CompletableFuture<Void> subscribing = signals.subscribing(name);
    CompletableFuture<byte[]> sent = subscribing == null
        ? setGet(redisKey, value, leaseMillis)
        // A waiter's read after registering: the server has its subscription before it reads.
        : subscribing.thenCompose(confirmed -> setGet(redisKey, value, leaseMillis));
    return commands.bound("reserve", name, sent
        .thenApply(existing -> existing == null
            ? Reservation.acquired(token)
            : Reservation.found(RecordLayout.decode(existing, name))));
  }

  private CompletableFuture<byte[]> setGet(byte[] redisKey, byte[] value, long leaseMillis) {
    return BoundedCommands.send(() -> backend().commandsFor(redisKey)
        .setGet(redisKey, value, SetArgs.Builder.nx().px(leaseMillis)));
  }

  /** One fenced {@code EVALSHA}, then, when replicas are asked for, one {@code WAIT}. */
  CompletableFuture<Boolean> sendComplete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
    long retentionMillis = millis(retention, "retention");
    CompletableFuture<Boolean> completed =
        sendFenced(LuaScript.COMPLETE, key, RecordLayout.heldPrefix(token), result, decimal(retentionMillis));
    if (replicas == 0) {
      return completed;
    }
    return completed.thenCompose(done -> done
        ? sendReplicaWait(key).thenApply(check -> {
          check.run();
          return true;
        })
        : CompletableFuture.completedFuture(false));
  }

  /** One fenced {@code EVALSHA}. */
  CompletableFuture<Boolean> sendRelease(IdempotencyKey key, LeaseToken token) {
    Objects.requireNonNull(token, "token");
    return sendFenced(LuaScript.RELEASE, key, RecordLayout.heldPrefix(token));
  }

  /** One fenced {@code EVALSHA}. */
  CompletableFuture<Boolean> sendExtend(IdempotencyKey key, LeaseToken token, Duration lease) {
    Objects.requireNonNull(token, "token");
    long leaseMillis = millis(lease, "lease");
    return sendFenced(LuaScript.EXTEND, key, RecordLayout.heldPrefix(token), decimal(leaseMillis));
  }

  /** One {@code GET}. */
  CompletableFuture<Optional<StoredRecord>> sendFind(IdempotencyKey key) {
    String name = name(key);
    byte[] redisKey = bytes(name);
    return commands.bound("find", name, BoundedCommands.send(() -> backend().commandsFor(redisKey).get(redisKey))
        .thenApply(value -> value == null ? Optional.empty() : Optional.of(RecordLayout.decode(value, name))));
  }

  /** One {@code EVALSHA} that deletes the key and wakes its waiters: whether a record was there. */
  CompletableFuture<Boolean> sendDelete(IdempotencyKey key) {
    String name = name(key);
    return commands.bound("delete", name, sendScript(LuaScript.DELETE, name)
        .thenApply(answer -> answer != null && answer == LuaScript.DONE));
  }

  /** One {@code EVALSHA} of a fenced script; after {@code NOSCRIPT}, one {@code EVAL} that caches it again. */
  private CompletableFuture<Boolean> sendFenced(LuaScript script, IdempotencyKey key, byte[]... args) {
    String name = name(key);
    return commands.bound(script.name, name, sendScript(script, name, args).thenApply(answer -> {
      if (answer != null && answer == LuaScript.FOREIGN_VALUE) {
        throw RecordLayout.corrupt(name, "it does not start with an Idem header of format version "
            + RecordLayout.VERSION);
      }
      return answer != null && answer == LuaScript.DONE;
    }));
  }

  /** One {@code EVALSHA}; after {@code NOSCRIPT}, one {@code EVAL} that caches the script again. */
  private CompletableFuture<Long> sendScript(LuaScript script, String name, byte[]... args) {
    byte[][] keys = {bytes(name)};
    RedisClusterAsyncCommands<byte[], byte[]> connection = backend().commandsFor(keys[0]);
    return BoundedCommands.send(
            () -> connection.<Long>evalsha(script.sha1, ScriptOutputType.INTEGER, keys, args))
        .exceptionallyCompose(failure -> BoundedCommands.cause(failure) instanceof RedisNoScriptException
            // A restarted, failed-over or flushed server forgot the script: EVAL sends it, and caches it again.
            ? BoundedCommands.send(() -> connection.<Long>eval(script.source, ScriptOutputType.INTEGER, keys, args))
            : CompletableFuture.failedFuture(failure));
  }

  /**
   * {@code WAIT} on the connection that wrote the key, bounded by the command timeout plus the
   * replica timeout. The answer is a check to run: it throws when fewer replicas than asked
   * acknowledged the write in time.
   */
  private CompletableFuture<Runnable> sendReplicaWait(IdempotencyKey key) {
    String name = name(key);
    byte[] redisKey = bytes(name);
    CompletableFuture<Long> acknowledged = BoundedCommands.send(
        () -> backend().writerOf(redisKey).waitForReplication(replicas, replicaTimeout.toMillis()));
    return commands.bound("complete", name, commands.commandTimeout().plus(replicaTimeout), acknowledged)
        .thenApply(count -> () -> {
          long replicated = count == null ? 0 : count;
          if (replicated < replicas) {
            throw new StoreUnavailableException(BoundedCommands.STORE_NAME, "complete", "the result under '" + name
                + "' is stored on the master, but only " + replicated + " of " + replicas
                + " replicas acknowledged it within " + replicaTimeout
                + "; a failover now could lose it and let a retry run the request again", null);
          }
        });
  }

  private RedisBackend backend() {
    return commands.backend();
  }

  /** The Redis key of a record, which is also the shard channel its waiters subscribe to. */
  String name(IdempotencyKey key) {
    return keyPrefix + Objects.requireNonNull(key, "key").encoded();
  }

  private static byte[] bytes(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
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
}
