package io.idem.http;

/**
 * Whose request this is. The tenant is part of the stored key, so one tenant can never receive
 * another's replay even when both send the same idempotency key.
 */
@FunctionalInterface
public interface TenantResolver {

  /**
   * The tenant of the request; empty means anonymous. Must not return null. Any Unicode text is a
   * tenant ({@code "zoë"}, {@code "渡辺"}); a value with control characters or over 255 UTF-16 characters
   * is refused with 400 {@link ProblemType#TENANT_INVALID}.
   *
   * <p>A resolver that reads a header must decode its bytes itself: servers hand header values over
   * as ISO-8859-1, one character per byte, so a UTF-8 name arrives garbled ({@code zoÃ«}) and may hold
   * C1 control characters. Decode them as the header's producer encoded them (UTF-8, usually).
   */
  String tenant(HttpRequestView request);

  /** The authenticated principal's name, or anonymous ({@code ""}) when there is none. The default. */
  static TenantResolver principal() {
    return request -> request.principal().orElse("");
  }

  /** One tenant for everyone: only for services where every caller is trusted with every replay. */
  static TenantResolver shared() {
    return request -> "";
  }
}
