package io.idem;

import java.util.concurrent.CompletionStage;

/**
 * The operation to run at most once per key, for {@link Idempotency#executeAsync}: it starts the work
 * and returns a stage that completes with its result. A failure, thrown or through the stage, is
 * handled as {@link IdempotencyConfig.FailurePolicy} says.
 */
@FunctionalInterface
public interface AsyncWork<T> {
  CompletionStage<T> run() throws Exception;
}
