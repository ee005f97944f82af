package io.idem;

/** The operation to run at most once per key. May throw anything; see {@link IdempotencyConfig.FailurePolicy}. */
@FunctionalInterface
public interface Work<T> {
  T run() throws Exception;
}
