package io.idem.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.param.CustomerCreateParams;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real client, not ours: Stripe's Java library, network retries on, through the gateway to an
 * upstream that answers Stripe-shaped JSON. stripe-java puts an {@code Idempotency-Key} of its own
 * on every POST and retries with it on a read timeout and on 409.
 */
class StripeClientTest {

  private TestUpstream upstream;
  private GatewayServer gateway;

  @BeforeEach
  void start() throws Exception {
    upstream = TestUpstream.start();
    GatewayOptions defaults = GatewayOptions.defaults(URI.create(upstream.url()));
    gateway = GatewayServer.start(new GatewayOptions(0, defaults.upstream(), List.of(), "memory:", defaults.lease(),
        defaults.retention(), List.of("/v1"), new TenantScope.AuthorizationHash(), GatewayOptions.NO_ADMIN_PORT,
        defaults.upstreamTimeout(), "stripe-test", 32));
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    upstream.close();
  }

  private static StripeClient stripe(FaultProxy proxy, int readTimeoutMillis) {
    return StripeClient.builder()
        .setApiKey("sk_test_gateway")
        .setApiBase(proxy.url())
        .setMaxNetworkRetries(5)
        .setReadTimeout(readTimeoutMillis)
        .build();
  }

  private static CustomerCreateParams jenny() {
    return CustomerCreateParams.builder().setEmail("jenny@example.com").build();
  }

  @Test
  void aLostAnswerIsRetriedWithTheSameKeyAndTheClientGetsTheObjectTheFirstAttemptCreated() throws Exception {
    try (FaultProxy proxy = new FaultProxy(gateway.port(), true)) {
      Customer customer = stripe(proxy, 2_000).customers().create(jenny());

      assertThat(upstream.acted()).isEqualTo(1);
      assertThat(customer.getId()).isEqualTo("cus_1");
      assertThat(proxy.droppedStatuses()).containsExactly(200);
      assertThat(proxy.keys()).hasSize(2).doesNotContainNull();
      assertThat(proxy.keys().get(1)).isEqualTo(proxy.keys().get(0));
      assertThat(customer.getLastResponse().headers().firstValue("Idempotent-Replayed")).contains("true");
    }
  }

  @Test
  void withoutTheGatewayTheSameLostAnswerMakesTheUpstreamActTwice() throws Exception {
    int upstreamPort = URI.create(upstream.url()).getPort();
    try (FaultProxy proxy = new FaultProxy(upstreamPort, true)) {
      Customer customer = stripe(proxy, 2_000).customers().create(jenny());

      assertThat(upstream.acted()).as("the fault is real: a bare upstream runs the retry again").isEqualTo(2);
      assertThat(customer.getId()).isEqualTo("cus_2");
    }
  }

  @Test
  void aRetryWhileTheFirstAttemptRunsIsTold409ThenRetriedUntilItGetsTheFirstAttemptsObject() throws Exception {
    try (FaultProxy proxy = new FaultProxy(gateway.port(), false)) {
      upstream.hold();
      CompletableFuture<Customer> created = CompletableFuture.supplyAsync(() -> {
        try {
          return stripe(proxy, 1_000).customers().create(jenny());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      // The first attempt times out on the client while the upstream still works on it; the retry meets it.
      await().until(() -> proxy.statuses().contains(409));
      upstream.release();
      Customer customer = created.get();

      assertThat(upstream.acted()).isEqualTo(1);
      assertThat(customer.getId()).isEqualTo("cus_1");
      assertThat(proxy.keys()).hasSizeGreaterThanOrEqualTo(3).containsOnly(proxy.keys().get(0));
      assertThat(proxy.statuses()).startsWith(409).endsWith(200);
      assertThat(customer.getLastResponse().headers().firstValue("Idempotent-Replayed")).contains("true");
    }
  }
}
