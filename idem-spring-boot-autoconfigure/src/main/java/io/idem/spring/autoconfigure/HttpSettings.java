package io.idem.spring.autoconfigure;

import io.idem.Idempotency;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.http.TenantResolver;
import io.idem.spring.internal.IdempotentSettings;
import io.idem.spring.web.IdempotentRoutes;

/** {@code idem.http.*} as Idem's HTTP configuration, for MVC and WebFlux alike. */
final class HttpSettings {

  private HttpSettings() {}

  static IdempotentRoutes routes(Idempotency engine, IdemProperties properties, IdempotentSettings settings) {
    IdemProperties.Http http = properties.getHttp();
    return new IdempotentRoutes(engine, () -> builder(http), http.isOnlyAnnotated(), settings);
  }

  /** Two sets of mapped methods as one (a handler mapped twice). */
  static HttpIdempotencyConfig.Builder builder(IdemProperties.Http http) {
    return HttpIdempotencyConfig.custom()
        .headerName(http.getHeaderName())
        .namespace(http.getNamespace())
        .methods(http.getMethods().toArray(String[]::new))
        .requireKeyOnPaths(http.getRequireKeyOnPaths().toArray(String[]::new))
        .tenantResolver(http.getTenant() == IdemProperties.Tenant.SHARED ? TenantResolver.shared()
            : TenantResolver.principal())
        .maxStoredResponseBytes(Math.toIntExact(http.getMaxStoredResponseSize().toBytes()))
        .maxRequestBodyBytes(Math.toIntExact(http.getMaxRequestBodySize().toBytes()))
        .failOpen(http.isFailOpen())
        .inProgressRetryAfter(http.getInProgressRetryAfter())
        .unavailableRetryAfter(http.getUnavailableRetryAfter())
        .maxPreferredWait(http.getMaxPreferredWait());
  }
}
