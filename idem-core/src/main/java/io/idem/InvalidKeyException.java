package io.idem;

/**
 * A namespace, tenant or idempotency key that Idem refuses, with a message that says exactly what
 * is wrong. HTTP layers answer it with 400.
 */
public final class InvalidKeyException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  public InvalidKeyException(String message) {
    super(message);
  }
}
