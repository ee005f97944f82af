package io.idem.gateway;

import static io.idem.gateway.Http.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The behaviour table of docs/http.md, through the gateway, against a real upstream on the memory store. */
class GatewayBehaviourTest {

  private static TestUpstream upstream;
  private static GatewayServer gateway;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    upstream = TestUpstream.start();
    GatewayOptions defaults = GatewayOptions.defaults(URI.create(upstream.url()));
    gateway = GatewayServer.start(new GatewayOptions(0, defaults.upstream(), List.of(), "memory:", defaults.lease(),
        defaults.retention(), List.of("/payments"), new TenantScope.AuthorizationHash(), GatewayOptions.NO_ADMIN_PORT,
        defaults.upstreamTimeout(), "gateway-test", 32));
    http = new Http(gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    upstream.close();
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }

  @Test
  void aNewKeyIsForwardedOnceAndEveryRetryIsTheStoredAnswerByteForByte() throws Exception {
    String key = key();
    int before = upstream.acted();

    HttpResponse<byte[]> first = http.post("/payments", "{\"amount\":100}", "Idempotency-Key", key);
    HttpResponse<byte[]> retry = http.post("/payments", "{\"amount\":100}", "Idempotency-Key", key);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
    assertThat(retry.headers().firstValue("X-Upstream-Request")).isEqualTo(first.headers().firstValue("X-Upstream-Request"));
    assertThat(upstream.acted()).isEqualTo(before + 1);
  }

  @Test
  void aMissingKeyOnARequiredPrefixIs400AndNeverReachesTheUpstream() throws Exception {
    int before = upstream.requestsTo("/payments/refunds");

    HttpResponse<byte[]> response = http.post("/payments/refunds", "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(text(response)).contains("idempotency-key-missing");
    assertThat(upstream.requestsTo("/payments/refunds")).isEqualTo(before);
  }

  @Test
  void aPostOutsideTheRequiredPrefixesPassesThroughWithoutAKey() throws Exception {
    HttpResponse<byte[]> response = http.post("/echo", "hello");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(text(response)).startsWith("POST /echo\n").endsWith("\nhello");
  }

  @Test
  void aMalformedKeyIs400() throws Exception {
    HttpResponse<byte[]> response = http.post("/payments", "{}", "Idempotency-Key", "\"unterminated");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(text(response)).contains("idempotency-key-malformed");
  }

  @Test
  void theSameKeyWithAnotherBodyIs422() throws Exception {
    String key = key();
    http.post("/payments", "{\"amount\":100}", "Idempotency-Key", key);

    HttpResponse<byte[]> other = http.post("/payments", "{\"amount\":999}", "Idempotency-Key", key);

    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(text(other)).contains("idempotency-key-reused");
  }

  @Test
  void aDuplicateWhileTheFirstIsRunningIs409WithRetryAfterAndThenTheReplay() throws Exception {
    String key = key();
    int before = upstream.acted();
    upstream.hold();
    CompletableFuture<HttpResponse<byte[]>> first = http.postAsync("/payments", "{\"amount\":5}", "Idempotency-Key", key);
    await().until(() -> upstream.waiting() == 1);

    HttpResponse<byte[]> duplicate = http.post("/payments", "{\"amount\":5}", "Idempotency-Key", key);
    upstream.release();
    HttpResponse<byte[]> original = first.get();
    HttpResponse<byte[]> later = http.post("/payments", "{\"amount\":5}", "Idempotency-Key", key);

    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(duplicate.headers().firstValue("Retry-After")).contains("1");
    assertThat(text(duplicate)).contains("request-in-progress");
    assertThat(original.statusCode()).isEqualTo(201);
    assertThat(later.body()).isEqualTo(original.body());
    assertThat(later.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(upstream.acted()).isEqualTo(before + 1);
  }

  @Test
  void anUpstream5xxReleasesTheKeySoARetryRunsAgain() throws Exception {
    String key = key();
    int before = upstream.acted();

    HttpResponse<byte[]> failed = http.post("/payments?status=500", "{}", "Idempotency-Key", key);
    // The release is written while the 500 goes to the client: a retry at that instant may still find
    // the key in progress (409), which is the documented answer; the retry that gets through runs again.
    HttpResponse<byte[]> retry = org.awaitility.Awaitility.await("the key released").atMost(java.time.Duration.ofSeconds(20))
        .pollInterval(java.time.Duration.ofMillis(20))
        .until(() -> http.post("/payments?status=500", "{}", "Idempotency-Key", key), r -> r.statusCode() != 409);

    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(retry.statusCode()).isEqualTo(500);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(upstream.acted()).isEqualTo(before + 2);
  }

  @Test
  void oneClientNeverReceivesAnothersReplay() throws Exception {
    String key = key();
    int before = upstream.acted();

    HttpResponse<byte[]> alice = http.post("/payments", "{}", "Idempotency-Key", key, "Authorization", "Bearer sk_alice");
    HttpResponse<byte[]> bob = http.post("/payments", "{}", "Idempotency-Key", key, "Authorization", "Bearer sk_bob");
    HttpResponse<byte[]> aliceAgain = http.post("/payments", "{}", "Idempotency-Key", key,
        "Authorization", "Bearer sk_alice");

    assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(bob.body()).isNotEqualTo(alice.body());
    assertThat(aliceAgain.body()).isEqualTo(alice.body());
    assertThat(aliceAgain.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(upstream.acted()).isEqualTo(before + 2);
  }

  @Test
  void aResponseOverTheStoredLimitIsSentWholeAndARetryIsToldItCannotBeReplayed() throws Exception {
    String key = key();
    int size = 2 * 1024 * 1024;

    HttpResponse<byte[]> first = http.post("/big?bytes=" + size, "", "Idempotency-Key", key);
    HttpResponse<byte[]> retry = http.post("/big?bytes=" + size, "", "Idempotency-Key", key);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).hasSize(size);
    assertThat(first.body()[size - 1]).isEqualTo((byte) ('a' + (size - 1) % 26));
    assertThat(retry.statusCode()).isEqualTo(410);
    assertThat(text(retry)).contains("response-not-stored");
  }

  @Test
  void anUnsafePathIs400ForEveryMethod() throws Exception {
    String response = raw("GET /a/%2e%2e/%2e%2e/etc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 400").contains("application/problem+json");
  }

  @Test
  void theUpstreamReceivesTheNormalisedPath() throws Exception {
    String response = raw("GET /x/../%65cho;v=1?q=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 200").contains("GET /echo?q=1\n");
  }

  @Test
  void hopByHopHeadersAreDroppedAndForwardedHeadersAreSet() throws Exception {
    String response = raw("GET /echo HTTP/1.1\r\nHost: api.example.com\r\nConnection: close, X-Hop\r\n"
        + "X-Hop: secret\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic eA==\r\n"
        + "X-Forwarded-For: 203.0.113.7\r\nX-End-To-End: kept\r\n\r\n");
    String echoed = response.substring(response.indexOf("\r\n\r\n") + 4).toLowerCase();

    assertThat(echoed).contains("x-end-to-end: kept")
        .doesNotContain("x-hop:").doesNotContain("keep-alive:").doesNotContain("\nte:")
        .doesNotContain("proxy-authorization:")
        .contains("x-forwarded-for: 203.0.113.7, 127.0.0.1").contains("x-forwarded-proto: http")
        .contains("x-forwarded-host: api.example.com")
        .contains("forwarded: for=127.0.0.1;proto=http;host=\"api.example.com\"");
  }

  @Test
  void aReplayedAnswerDoesNotCarryHopByHopHeadersOfTheOriginal() throws Exception {
    String key = key();
    http.post("/payments", "{}", "Idempotency-Key", key);

    HttpResponse<byte[]> replay = http.post("/payments", "{}", "Idempotency-Key", key);

    assertThat(replay.headers().allValues("Content-Length")).containsExactly(String.valueOf(replay.body().length));
    assertThat(replay.headers().allValues("Transfer-Encoding")).isEmpty();
  }

  @Test
  void aBodySentAfter100ContinueReachesTheUpstreamWholeWithAndWithoutAKey() throws Exception {
    String body = "x".repeat(64 * 1024);
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    for (String path : new String[] {"/echo", "/payments/large"}) {
      java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + gateway.port() + path))
          .expectContinue(true)
          .header("Idempotency-Key", key())
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
          .build();

      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(path).isIn(200, 201);
      assertThat(response.body()).as(path).contains(path.equals("/echo") ? body : "x".repeat(1000));
    }
  }

  @Test
  void aClientOverItsConnectionLimitIsCutOff() throws Exception {
    try (GatewayServer strict = GatewayServer.start(GatewayOptions.defaults(URI.create(upstream.url()))
            .withPort(0).withConnectionsPerClient(1));
        Socket first = new Socket("127.0.0.1", strict.port())) {
      first.setSoTimeout(10_000);
      // Served once, so the gateway has counted it before the second connection opens.
      first.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(statusLine(first.getInputStream())).startsWith("HTTP/1.1 200");
      try (Socket second = new Socket("127.0.0.1", strict.port())) {
        second.setSoTimeout(10_000);
        assertThat(second.getInputStream().read()).as("the second connection is closed").isEqualTo(-1);
      }
      first.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(new String(first.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
          .contains("HTTP/1.1 200");
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.append((char) b);
    }
    return line.toString();
  }

  @Test
  void bodiesStreamBothWaysWithoutAKey() throws Exception {
    upstream.hold();
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
          + "5\r\nhello\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      // The upstream has the first chunk while the client has not finished sending.
      await().until(() -> "hello".equals(upstream.firstChunk()));
      out.write("6\r\n world\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();

      // The client has the first part of the answer while the upstream still holds the rest.
      InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      while (!received.toString().contains("first\n")) {
        int b = in.read();
        assertThat(b).as("the answer so far: " + received).isNotNegative();
        received.append((char) b);
      }
      upstream.release();
      received.append(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));

      assertThat(received.toString()).startsWith("HTTP/1.1 200").contains("second 11\n");
    } finally {
      upstream.release();
    }
  }

  /** Sends bytes exactly as written and reads until the server closes (every request here says close). */
  private static String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return all.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
