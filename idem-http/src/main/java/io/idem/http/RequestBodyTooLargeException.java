package io.idem.http;

/**
 * A request body over {@link HttpIdempotencyConfig#maxRequestBodyBytes()}: Idem will not buffer it to
 * fingerprint it. Answered with 413 {@link ProblemType#REQUEST_TOO_LARGE}.
 */
public final class RequestBodyTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long limit;

  public RequestBodyTooLargeException(long limit) {
    super("the request body is over the limit of " + limit + " bytes");
    this.limit = limit;
  }

  public long limit() {
    return limit;
  }
}
