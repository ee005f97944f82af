package io.idem.spring.autoconfigure;

/** Where Idem's filter sits among the web filters. */
final class WebOrder {

  /**
   * Spring Security's filter chain (servlet and reactive) is ordered at -100 by default; Idem comes
   * right after it, so the authenticated principal is known and becomes the tenant, and before the
   * application's own filters, so they run once per key.
   */
  static final int AFTER_SECURITY = -100 + 10;

  private WebOrder() {}
}
