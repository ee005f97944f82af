package io.idem;

import io.idem.IdempotencyListener.StoreOperation;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Every store call the engine makes, blocking or asynchronous: timed for the listener, and anything a
 * store throws that is not one of Idem's exceptions turned into {@link StoreUnavailableException}.
 */
final class StoreCalls {

  private final String storeName;
  private final IdempotencyListener listener;

  StoreCalls(String storeName, IdempotencyListener listener) {
    this.storeName = storeName;
    this.listener = listener;
  }

  <R> R call(StoreOperation operation, Supplier<R> storeCall) {
    long start = System.nanoTime();
    boolean failed = true;
    try {
      R result = storeCall.get();
      failed = false;
      return result;
    } catch (RuntimeException e) {
      throw translate(operation, e);
    } finally {
      timed(operation, start, failed);
    }
  }

  <R> CompletionStage<R> callAsync(StoreOperation operation, Supplier<? extends CompletionStage<R>> storeCall) {
    long start = System.nanoTime();
    CompletionStage<R> stage;
    try {
      stage = storeCall.get();
    } catch (RuntimeException e) {
      timed(operation, start, true);
      return CompletableFuture.failedFuture(translate(operation, e));
    }
    CompletableFuture<R> result = new CompletableFuture<>();
    stage.whenComplete((value, failure) -> {
      timed(operation, start, failure != null);
      if (failure == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(translate(operation, unwrap(failure)));
      }
    });
    return result;
  }

  /** The cause a stage failed with, without the wrappers CompletableFuture adds. */
  static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof java.util.concurrent.ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** Waits for a stage of this engine and rethrows its failure as it was, unwrapped. */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  private RuntimeException translate(StoreOperation operation, Throwable failure) {
    if (failure instanceof IdempotencyException idem) {
      return idem;
    }
    if (failure instanceof IllegalArgumentException || failure instanceof NullPointerException) {
      return (RuntimeException) failure; // misuse, not an outage
    }
    return new StoreUnavailableException(storeName, operation.name().toLowerCase(Locale.ROOT), failure.toString(),
        failure);
  }

  private void timed(StoreOperation operation, long start, boolean failed) {
    long nanos = System.nanoTime() - start;
    try {
      listener.onStoreCall(operation, nanos, failed);
    } catch (RuntimeException ignored) {
      // A listener must never change an outcome.
    }
  }
}
