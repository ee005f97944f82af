package io.idem.redis;

import io.idem.CorruptRecordException;
import io.idem.StoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The store's edge to Lettuce: sends commands, bounds every wait for an answer and translates
 * Lettuce's failures into Idem's two types. Everything that is not an answer becomes
 * {@link StoreUnavailableException}, except a value that is not an Idem record
 * ({@link CorruptRecordException}). A blocking call is the same stage, awaited ({@link #await}).
 */
final class BoundedCommands {

  static final String STORE_NAME = "redis";

  private final RedisBackend backend;
  private final Duration commandTimeout;

  BoundedCommands(RedisBackend backend, Duration commandTimeout) {
    this.backend = backend;
    this.commandTimeout = commandTimeout;
  }

  RedisBackend backend() {
    return backend;
  }

  Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * Issues one command. Lettuce may refuse at once (disconnected, or no route to a Cluster node): the
   * refusal becomes the future's failure, so every way of waiting translates it alike.
   */
  static <T> CompletableFuture<T> send(Supplier<RedisFuture<T>> command) {
    try {
      return command.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** One command, bounded by the command timeout; see {@link #bound(String, String, Duration, CompletableFuture)}. */
  <T> CompletableFuture<T> call(String operation, String redisKey, Supplier<RedisFuture<T>> command) {
    return bound(operation, redisKey, send(command));
  }

  /** An answer bounded by the command timeout; see {@link #bound(String, String, Duration, CompletableFuture)}. */
  <T> CompletableFuture<T> bound(String operation, String redisKey, CompletableFuture<T> future) {
    return bound(operation, redisKey, commandTimeout, future);
  }

  /**
   * The answer, or within {@code timeout} a failure of Idem's types. A client the store opened fails
   * each command after the command timeout itself (with a cheaper timer than a scheduled future's);
   * on a caller's client or connection, or for a longer bound, the stage carries its own timer.
   *
   * @param redisKey the key the command works on, named when Redis says it holds another type; null
   *     for commands on no single key
   */
  <T> CompletableFuture<T> bound(String operation, String redisKey, Duration timeout, CompletableFuture<T> future) {
    boolean ownTimer = !backend.clientTimesOutCommands() || timeout.compareTo(commandTimeout) > 0;
    return (ownTimer ? future.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS) : future)
        .exceptionallyCompose(failure -> {
          Throwable cause = cause(failure);
          return CompletableFuture.failedFuture(
              cause instanceof TimeoutException || cause instanceof RedisCommandTimeoutException
                  ? new StoreUnavailableException(STORE_NAME, operation, "no answer from Redis within " + timeout, cause)
                  : translate(cause, operation, redisKey));
        });
  }

  /**
   * Blocks for a stage's answer and throws its failure as it is. The wait needs no timer of its own:
   * every stage comes from {@link #bound}, so it fails within its bound.
   */
  static <T> T await(String operation, CompletionStage<T> stage) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(STORE_NAME, operation, "interrupted while waiting for Redis", e);
    } catch (ExecutionException e) {
      Throwable cause = cause(e);
      throw cause instanceof RuntimeException runtime
          ? runtime
          : new StoreUnavailableException(STORE_NAME, operation, String.valueOf(cause.getMessage()), cause);
    }
  }

  /** The masters, whose discovery on a Cluster opens node connections and can fail like any command. */
  List<RedisBackend.Node> masters(String operation) {
    try {
      return backend.masters();
    } catch (RuntimeException e) {
      throw translate(e, operation, null);
    }
  }

  /** The failure inside the wrappers a completion stage adds. */
  static Throwable cause(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static RuntimeException translate(Throwable failure, String operation, String redisKey) {
    if (failure instanceof CorruptRecordException || failure instanceof StoreUnavailableException) {
      return (RuntimeException) failure;
    }
    String message = String.valueOf(failure.getMessage());
    if (failure instanceof RedisCommandExecutionException && message.contains("WRONGTYPE") && redisKey != null) {
      return RecordLayout.corrupt(redisKey, "it holds another Redis type than a string (" + message + ")");
    }
    return new StoreUnavailableException(STORE_NAME, operation, message, failure);
  }
}
