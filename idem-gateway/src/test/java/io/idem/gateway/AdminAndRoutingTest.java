package io.idem.gateway;

import static io.idem.gateway.Http.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admin port's health and Prometheus metrics, {@code --route}, and the tenant scopes other than the default. */
class AdminAndRoutingTest {

  @Test
  void metricsCountRequestsByOutcomeStoreCallsAndAttemptsInFlight() throws Exception {
    try (TestUpstream upstream = TestUpstream.start();
        GatewayServer gateway = GatewayServer.start(GatewayOptions.defaults(URI.create(upstream.url()))
            .withPort(0).withAdminPort(0))) {
      Http http = new Http(gateway.port());
      http.post("/payments", "{}", "Idempotency-Key", "m1");
      http.post("/payments", "{}", "Idempotency-Key", "m1");
      http.post("/payments", "{\"other\":1}", "Idempotency-Key", "m1");
      http.get("/health-of-upstream");

      HttpResponse<byte[]> metrics = new Http(gateway.adminPort()).get("/metrics");

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(text(metrics))
          .contains("idem_gateway_requests_total{outcome=\"executed\"} 1.0")
          .contains("idem_gateway_requests_total{outcome=\"replayed\"} 1.0")
          .contains("idem_gateway_requests_total{outcome=\"refused\"} 1.0")
          .contains("idem_gateway_requests_total{outcome=\"passed_through\"} 1.0")
          .contains("idem_requests_total{outcome=\"executed\"} 1.0")
          .contains("idem_store_calls_seconds_count{operation=\"reserve\"")
          .contains("idem_attempts_active");
      assertThat(new Http(gateway.adminPort()).get("/healthz").statusCode()).isEqualTo(200);
      assertThat(new Http(gateway.adminPort()).get("/nothing").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aRouteSendsItsPrefixToAnotherUpstreamAndTheRestToTheDefault() throws Exception {
    try (TestUpstream main = TestUpstream.start();
        TestUpstream orders = TestUpstream.start();
        GatewayServer gateway = GatewayServer.start(new GatewayOptions(0, URI.create(main.url()),
            List.of(new Route("/orders", URI.create(orders.url()))), "memory:", GatewayOptions.DEFAULT_LEASE,
            GatewayOptions.DEFAULT_RETENTION, List.of(), new TenantScope.AuthorizationHash(),
            GatewayOptions.NO_ADMIN_PORT, GatewayOptions.DEFAULT_UPSTREAM_TIMEOUT, "routes", 32))) {
      Http http = new Http(gateway.port());

      http.get("/orders/7");
      http.get("/ordersx");
      http.get("/payments");

      assertThat(orders.requestsTo("/orders/7")).isEqualTo(1);
      assertThat(main.requestsTo("/ordersx")).isEqualTo(1);
      assertThat(main.requestsTo("/payments")).isEqualTo(1);
      assertThat(main.requestsTo("/orders/7")).isZero();
    }
  }

  @Test
  void aTenantHeaderScopesKeysAndTenantNoneSharesThem() throws Exception {
    try (TestUpstream upstream = TestUpstream.start();
        GatewayServer byHeader = start(upstream, new TenantScope.Header("X-Tenant"));
        GatewayServer shared = start(upstream, new TenantScope.None())) {
      Http header = new Http(byHeader.port());
      Http none = new Http(shared.port());

      header.post("/payments", "{}", "Idempotency-Key", "t1", "X-Tenant", "acme");
      HttpResponse<byte[]> otherTenant = header.post("/payments", "{}", "Idempotency-Key", "t1", "X-Tenant", "globex");
      none.post("/payments", "{}", "Idempotency-Key", "t2", "Authorization", "Bearer a");
      HttpResponse<byte[]> otherCredentials = none.post("/payments", "{}", "Idempotency-Key", "t2",
          "Authorization", "Bearer b");

      assertThat(otherTenant.headers().firstValue("Idempotent-Replayed")).isEmpty();
      assertThat(otherCredentials.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(upstream.acted()).isEqualTo(3);
    }
  }

  private static GatewayServer start(TestUpstream upstream, TenantScope tenant) throws Exception {
    return GatewayServer.start(new GatewayOptions(0, URI.create(upstream.url()), List.of(), "memory:",
        GatewayOptions.DEFAULT_LEASE, GatewayOptions.DEFAULT_RETENTION, List.of(), tenant,
        GatewayOptions.NO_ADMIN_PORT, GatewayOptions.DEFAULT_UPSTREAM_TIMEOUT, "tenants", 32));
  }
}
