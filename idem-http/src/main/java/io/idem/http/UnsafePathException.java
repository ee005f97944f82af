package io.idem.http;

/**
 * A request path that {@link PathNormalizer} cannot turn into one unambiguous path: an encoded
 * {@code /}, a {@code ..} above the root, a malformed or control-character escape. Answered 400
 * {@link ProblemType#PATH_INVALID}; the message says what is wrong and where, and is safe to show
 * the client (it quotes nothing but the client's own path).
 */
public final class UnsafePathException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public UnsafePathException(String message) {
    super(message);
  }
}
