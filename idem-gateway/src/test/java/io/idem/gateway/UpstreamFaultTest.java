package io.idem.gateway;

import static io.idem.gateway.Http.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the gateway does when the upstream is down, hangs up, or is slow: decision 0701. */
class UpstreamFaultTest {

  private static GatewayServer gateway(String upstream, Duration upstreamTimeout) throws Exception {
    GatewayOptions defaults = GatewayOptions.defaults(URI.create(upstream));
    return GatewayServer.start(new GatewayOptions(0, defaults.upstream(), List.of(), "memory:", defaults.lease(),
        defaults.retention(), List.of(), new TenantScope.AuthorizationHash(), GatewayOptions.NO_ADMIN_PORT,
        upstreamTimeout, "gateway-faults", 32));
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aRefusedUpstreamIs502AndReleasesTheKeySoTheRetryRunsOnceItIsBack() throws Exception {
    int port = freePort();
    String key = UUID.randomUUID().toString();
    try (GatewayServer gateway = gateway("http://127.0.0.1:" + port, Duration.ofSeconds(30))) {
      Http http = new Http(gateway.port());

      HttpResponse<byte[]> refused = http.post("/payments", "{}", "Idempotency-Key", key);

      assertThat(refused.statusCode()).isEqualTo(502);
      assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(text(refused)).contains("upstream-unreachable");
      try (TestUpstream upstream = TestUpstream.startOn(port)) {
        HttpResponse<byte[]> retry = http.post("/payments", "{}", "Idempotency-Key", key);

        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(upstream.acted()).isEqualTo(1);
      }
    }
  }

  @Test
  void anUpstreamThatHangsUpAfterTheRequestIs502AndKeepsTheKeyInProgress() throws Exception {
    String key = UUID.randomUUID().toString();
    try (TestUpstream upstream = TestUpstream.start();
        GatewayServer gateway = gateway(upstream.url(), Duration.ofSeconds(30))) {
      Http http = new Http(gateway.port());

      HttpResponse<byte[]> failed = http.post("/reset", "{}", "Idempotency-Key", key);
      HttpResponse<byte[]> retry = http.post("/reset", "{}", "Idempotency-Key", key);

      assertThat(failed.statusCode()).isEqualTo(502);
      assertThat(text(failed)).contains("upstream-failed");
      assertThat(retry.statusCode()).isEqualTo(409);
      assertThat(text(retry)).contains("request-in-progress");
      assertThat(upstream.acted()).isEqualTo(1);
    }
  }

  @Test
  void aSlowUpstreamIs504AndItsLateAnswerIsReplayedToTheRetry() throws Exception {
    String key = UUID.randomUUID().toString();
    try (TestUpstream upstream = TestUpstream.start();
        GatewayServer gateway = gateway(upstream.url(), Duration.ofMillis(300))) {
      Http http = new Http(gateway.port());
      upstream.hold();

      HttpResponse<byte[]> timedOut = http.post("/payments", "{\"amount\":7}", "Idempotency-Key", key);
      HttpResponse<byte[]> whileRunning = http.post("/payments", "{\"amount\":7}", "Idempotency-Key", key);
      upstream.release();

      assertThat(timedOut.statusCode()).isEqualTo(504);
      assertThat(text(timedOut)).contains("upstream-timeout");
      assertThat(whileRunning.statusCode()).isEqualTo(409);
      HttpResponse<byte[]> replay = await().until(() -> http.post("/payments", "{\"amount\":7}", "Idempotency-Key", key),
          response -> response.statusCode() != 409);
      assertThat(replay.statusCode()).isEqualTo(201);
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(text(replay)).contains("\"id\":\"pay_1\"");
      assertThat(upstream.acted()).isEqualTo(1);
    }
  }

  @Test
  void aSlowUpstreamWithoutAKeyIs504() throws Exception {
    try (TestUpstream upstream = TestUpstream.start();
        GatewayServer gateway = gateway(upstream.url(), Duration.ofMillis(300))) {
      upstream.hold();

      HttpResponse<byte[]> timedOut = new Http(gateway.port()).post("/echo", "no key");
      upstream.release();

      assertThat(timedOut.statusCode()).isEqualTo(504);
      assertThat(timedOut.headers().firstValue("Content-Type")).contains("application/problem+json");
    }
  }
}
