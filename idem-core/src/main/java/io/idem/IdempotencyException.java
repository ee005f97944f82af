package io.idem;

/**
 * Root of Idem's few exception types. All are unchecked: contention and replays are values
 * ({@link Outcome}, {@link io.idem.spi.Reservation}), so an exception always means misuse,
 * corrupt data or an unavailable store.
 */
public class IdempotencyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdempotencyException(String message) {
    super(message);
  }

  public IdempotencyException(String message, Throwable cause) {
    super(message, cause);
  }
}
