package io.idem.http;

/**
 * Whose request this is. The tenant is part of the stored key, so one tenant can never receive
 * another's replay even when both send the same idempotency key.
 */
@FunctionalInterface
public interface TenantResolver {

  /**
   * The tenant of the request; empty means anonymous. Must not return null. A value with control
   * characters or over 255 characters is refused with 400.
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
