package io.idem;

import java.util.Objects;

/**
 * The store could not be reached or did not answer within its timeout. Raised by stores at their
 * edge (translating the client library's errors) and by the engine for anything unexpected a store
 * throws. HTTP layers answer it with 503 and {@code Retry-After}: the work did not run.
 */
public final class StoreUnavailableException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  private final String store;
  private final String operation;

  public StoreUnavailableException(String store, String operation, String detail, Throwable cause) {
    super(Objects.requireNonNull(store, "store") + " " + Objects.requireNonNull(operation, "operation")
        + " failed: " + detail, cause);
    this.store = store;
    this.operation = operation;
  }

  /** A short name of the store, e.g. {@code redis}. */
  public String store() {
    return store;
  }

  /** The store operation that failed, e.g. {@code reserve}. */
  public String operation() {
    return operation;
  }
}
