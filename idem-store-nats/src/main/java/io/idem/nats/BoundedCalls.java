package io.idem.nats;

import io.idem.IdempotencyException;
import io.idem.StoreUnavailableException;
import io.nats.client.JetStreamApiException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Runs the store's calls within its timeout and turns every failure into one of Idem's exceptions:
 * Idem's own types pass through, everything else from jnats or the server is an unavailable store.
 */
final class BoundedCalls {

  /** One asynchronous call, started only once the store knows it is open. */
  @FunctionalInterface
  interface Operation<T> {
    CompletableFuture<T> start();
  }

  /** One blocking call on jnats' management API, which bounds each request by the timeout itself. */
  @FunctionalInterface
  interface BlockingCall<T> {
    T run() throws Exception;
  }

  private final String bucketName;
  private final Duration timeout;
  private final Deadlines deadlines;
  private volatile boolean closed;

  BoundedCalls(String bucketName, Duration timeout) {
    this.bucketName = bucketName;
    this.timeout = timeout;
    this.deadlines = new Deadlines(timeout);
  }

  /** Refuses every later call with StoreUnavailableException. Returns whether it was open. */
  boolean close() {
    boolean wasOpen = !closed;
    closed = true;
    if (wasOpen) {
      deadlines.close();
    }
    return wasOpen;
  }

  <T> CompletableFuture<T> async(String operation, Operation<T> call) {
    if (closed) {
      return CompletableFuture.failedFuture(closedStore(operation));
    }
    CompletableFuture<T> started;
    try {
      started = call.start();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return deadlines.bound(started)
        .exceptionallyCompose(failure -> CompletableFuture.failedFuture(translate(failure, operation)));
  }

  <T> T blocking(String operation, BlockingCall<T> call) {
    if (closed) {
      throw closedStore(operation);
    }
    try {
      return call.run();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw translate(e, operation);
    }
  }

  /** The blocking face of an asynchronous call: its value, or the Idem exception it failed with. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(NatsStore.STORE_NAME, "wait", "interrupted while waiting for NATS", e);
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  RuntimeException translate(Throwable failure, String operation) {
    Throwable cause = KvBucket.unwrap(failure);
    if (cause instanceof IdempotencyException idem) {
      return idem;
    }
    String detail;
    if (cause instanceof TimeoutException) {
      detail = "no answer from NATS within " + timeout;
    } else if (cause instanceof CancellationException) {
      detail = "no NATS server answered for bucket '" + bucketName + "' (JetStream down, or its stream has no leader)";
    } else if (cause instanceof JetStreamApiException api) {
      detail = "JetStream refused: " + api.getMessage();
    } else if (cause instanceof InterruptedException) {
      detail = "interrupted while waiting for NATS";
    } else {
      detail = String.valueOf(cause.getMessage());
    }
    return new StoreUnavailableException(NatsStore.STORE_NAME, operation, detail, cause);
  }

  private static StoreUnavailableException closedStore(String operation) {
    return new StoreUnavailableException(NatsStore.STORE_NAME, operation, "the store is closed", null);
  }
}
