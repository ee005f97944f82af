package io.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyConfig.FailurePolicy;
import io.idem.StoreUnavailableException;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.memory.MemoryStore;
import io.idem.testkit.ManualClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every row of the behaviour table, through a real Jetty and a real HTTP client. */
class IdempotencyFilterTest {

  private static final String JSON = "application/problem+json";

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }

  private JettyServer start(TestServlet servlet, IdempotencyConfig engineConfig, HttpIdempotencyConfig config)
      throws Exception {
    return start(servlet, MemoryStore.create(), engineConfig, config);
  }

  private JettyServer start(TestServlet servlet, io.idem.spi.IdempotencyStore store, IdempotencyConfig engineConfig,
      HttpIdempotencyConfig config) throws Exception {
    Idempotency engine = Idempotency.create(store, engineConfig);
    resources.add(engine);
    JettyServer jetty = JettyServer.builder()
        .filter(IdempotencyFilter.create(engine, config))
        .servlet("/*", servlet)
        .start();
    resources.add(jetty);
    return jetty;
  }

  private JettyServer start(TestServlet servlet) throws Exception {
    return start(servlet, IdempotencyConfig.ofDefaults(),
        HttpIdempotencyConfig.custom().requireKeyOnPaths("/payments").build());
  }

  private static TestServlet created() {
    return new TestServlet((request, response, run) -> {
      String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      response.setStatus(201);
      response.setContentType("application/json");
      response.setHeader("Location", "/payments/" + run);
      response.addHeader("X-Trace", "a");
      response.addHeader("X-Trace", "b");
      response.getWriter().write("{\"run\":" + run + ",\"echo\":\"" + body + "\"}");
    });
  }

  @Test
  void newKeyRunsHandlerAndRetryReplaysStoredResponseByteForByte() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    HttpResponse<String> first = Http.post(jetty.uri("/payments"), "key-1", "amount=10");
    HttpResponse<String> retry = Http.post(jetty.uri("/payments"), "key-1", "amount=10");

    assertThat(servlet.runs()).isEqualTo(1);
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo(first.body()).isEqualTo("{\"run\":1,\"echo\":\"amount=10\"}");
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(retry.headers().firstValue("Location")).contains("/payments/1");
    assertThat(retry.headers().allValues("X-Trace")).containsExactly("a", "b");
    assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
    assertThat(retry.headers().allValues("Server")).hasSize(1);
  }

  @Test
  void quotedSfStringAndBareTokenNameTheSameKey() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    Http.post(jetty.uri("/payments"), "order-7", "x");
    HttpResponse<String> quoted = Http.post(jetty.uri("/payments"), "\"order-7\"", "x");

    assertThat(servlet.runs()).isEqualTo(1);
    assertThat(quoted.headers().firstValue("Idempotent-Replayed")).contains("true");
  }

  @Test
  void sameKeyWithAnotherBodyIsRejectedWith422() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    Http.post(jetty.uri("/payments"), "key-1", "amount=10");
    HttpResponse<String> other = Http.post(jetty.uri("/payments"), "key-1", "amount=99");

    assertThat(servlet.runs()).isEqualTo(1);
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.headers().firstValue("Content-Type")).contains(JSON);
    assertThat(other.body()).contains("\"type\":\"https://idem.io/problems/idempotency-key-reused\"")
        .contains("\"status\":422");
  }

  @Test
  void sameKeyOnAnotherPathOrQueryIsRejectedWith422() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    Http.post(jetty.uri("/payments"), "key-1", "x");

    assertThat(Http.post(jetty.uri("/payments?currency=EUR"), "key-1", "x").statusCode()).isEqualTo(422);
    assertThat(Http.post(jetty.uri("/payments/other"), "key-1", "x").statusCode()).isEqualTo(422);
    assertThat(servlet.runs()).isEqualTo(1);
  }

  @Test
  void duplicateWhileFirstRunsGets409WithRetryAfter() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    TestServlet servlet = new TestServlet((request, response, run) -> {
      running.countDown();
      release.await(30, TimeUnit.SECONDS);
      response.setStatus(201);
    });
    JettyServer jetty = start(servlet);

    CompletableFuture<HttpResponse<String>> first = Http.postAsync(jetty.uri("/payments"), "key-1", "x");
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
    HttpResponse<String> duplicate = Http.post(jetty.uri("/payments"), "key-1", "x");
    release.countDown();

    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(duplicate.headers().firstValue("Retry-After")).contains("1");
    assertThat(duplicate.body()).contains("https://idem.io/problems/request-in-progress");
    assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    assertThat(servlet.runs()).isEqualTo(1);
  }

  @Test
  void duplicateWaitsForFirstAndGetsItsReplayWhenWaitingIsConfigured() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    TestServlet servlet = new TestServlet((request, response, run) -> {
      running.countDown();
      release.await(30, TimeUnit.SECONDS);
      response.setStatus(201);
      response.getWriter().write("done " + run);
    });
    JettyServer jetty = start(servlet, IdempotencyConfig.custom().waitForInProgress(Duration.ofSeconds(30)).build(),
        HttpIdempotencyConfig.ofDefaults());

    CompletableFuture<HttpResponse<String>> first = Http.postAsync(jetty.uri("/payments"), "key-1", "x");
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<HttpResponse<String>> duplicate = Http.postAsync(jetty.uri("/payments"), "key-1", "x");
    release.countDown();

    assertThat(first.get(30, TimeUnit.SECONDS).body()).isEqualTo("done 1");
    assertThat(duplicate.get(30, TimeUnit.SECONDS).body()).isEqualTo("done 1");
    assertThat(duplicate.get().headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(servlet.runs()).isEqualTo(1);
  }

  @Test
  void requiredRouteWithoutKeyGets400AndHandlerDoesNotRun() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    HttpResponse<String> response = Http.post(jetty.uri("/payments"), null, "x");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).contains(JSON);
    assertThat(response.body()).contains("https://idem.io/problems/idempotency-key-missing");
    assertThat(servlet.runs()).isZero();
  }

  @Test
  void optionalRouteWithoutKeyPassesThroughEveryTime() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    Http.post(jetty.uri("/notes"), null, "x");
    HttpResponse<String> second = Http.post(jetty.uri("/notes"), null, "x");

    assertThat(servlet.runs()).isEqualTo(2);
    assertThat(second.body()).isEqualTo("{\"run\":2,\"echo\":\"x\"}");
  }

  @Test
  void methodsNotCoveredPassThroughEvenWithAKey() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    for (int i = 0; i < 2; i++) {
      Http.send(Http.post(jetty.uri("/payments"), "key-1", new byte[0])
          .method("PUT", java.net.http.HttpRequest.BodyPublishers.ofString("x")));
    }

    assertThat(servlet.runs()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\"", "\"unterminated", "\"a\\nb\"", "\"a\";p=1", "a,b", "\"with space\"",
      "ab\"c"})
  void malformedKeyGets400ProblemAndHandlerDoesNotRun(String key) throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    HttpResponse<String> response = Http.post(jetty.uri("/payments"), key, "x");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("https://idem.io/problems/idempotency-key-malformed");
    assertThat(servlet.runs()).isZero();
  }

  @Test
  void nonAsciiKeyBytesGet400() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    String response;
    try (java.net.Socket socket = new java.net.Socket("localhost", jetty.uri("/").getPort())) {
      socket.getOutputStream().write(("POST /payments HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
          + "Content-Length: 1\r\nIdempotency-Key: k").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(new byte[] {(byte) 0xC3, (byte) 0xA9});
      socket.getOutputStream().write("y\r\n\r\nx".getBytes(StandardCharsets.US_ASCII));
      response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(response).startsWith("HTTP/1.1 400").contains("https://idem.io/problems/idempotency-key-malformed");
    assertThat(servlet.runs()).isZero();
  }

  @Test
  void keyLongerThan255CharactersGets400() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    HttpResponse<String> response = Http.post(jetty.uri("/payments"), "k".repeat(256), "x");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("256 characters long");
    assertThat(servlet.runs()).isZero();
  }

  @Test
  void keySentTwiceGets400() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet);

    HttpResponse<String> response = Http.send(Http.post(jetty.uri("/payments"), "a", "x".getBytes(StandardCharsets.UTF_8))
        .header("Idempotency-Key", "b"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(servlet.runs()).isZero();
  }

  @Test
  void serverErrorReleasesKeySoRetryRunsAgain() throws Exception {
    TestServlet servlet = new TestServlet((request, response, run) -> response.setStatus(run == 1 ? 503 : 201));
    JettyServer jetty = start(servlet);

    assertThat(Http.post(jetty.uri("/payments"), "key-1", "x").statusCode()).isEqualTo(503);
    assertThat(Http.post(jetty.uri("/payments"), "key-1", "x").statusCode()).isEqualTo(201);
    HttpResponse<String> third = Http.post(jetty.uri("/payments"), "key-1", "x");

    assertThat(servlet.runs()).isEqualTo(2);
    assertThat(third.headers().firstValue("Idempotent-Replayed")).contains("true");
  }

  @Test
  void handlerExceptionReleasesKeySoRetryRunsAgain() throws Exception {
    TestServlet servlet = new TestServlet((request, response, run) -> {
      if (run == 1) {
        throw new IllegalStateException("boom");
      }
      response.setStatus(201);
    });
    JettyServer jetty = start(servlet);

    assertThat(Http.post(jetty.uri("/payments"), "key-1", "x").statusCode()).isEqualTo(500);
    assertThat(Http.post(jetty.uri("/payments"), "key-1", "x").statusCode()).isEqualTo(201);
    assertThat(servlet.runs()).isEqualTo(2);
  }

  @Test
  void storeFailurePolicyReplaysServerErrors() throws Exception {
    TestServlet servlet = new TestServlet((request, response, run) -> {
      response.setStatus(502);
      response.getWriter().write("upstream failed " + run);
    });
    JettyServer jetty = start(servlet, IdempotencyConfig.custom().failurePolicy(FailurePolicy.STORE).build(),
        HttpIdempotencyConfig.ofDefaults());

    Http.post(jetty.uri("/payments"), "key-1", "x");
    HttpResponse<String> retry = Http.post(jetty.uri("/payments"), "key-1", "x");

    assertThat(servlet.runs()).isEqualTo(1);
    assertThat(retry.statusCode()).isEqualTo(502);
    assertThat(retry.body()).isEqualTo("upstream failed 1");
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
  }

  @Test
  void storeFailurePolicyAnswersRetryOfAThrowingHandlerWithAGenericStoredFailureProblem() throws Exception {
    TestServlet servlet = new TestServlet((request, response, run) -> {
      throw new IllegalStateException("card 4242 declined by acquirer-internal-7");
    });
    JettyServer jetty = start(servlet, IdempotencyConfig.custom().failurePolicy(FailurePolicy.STORE).build(),
        HttpIdempotencyConfig.ofDefaults());

    Http.post(jetty.uri("/payments"), "key-1", "x");
    HttpResponse<String> retry = Http.post(jetty.uri("/payments"), "key-1", "x");

    assertThat(servlet.runs()).isEqualTo(1);
    assertThat(retry.statusCode()).isEqualTo(500);
    assertThat(retry.body()).contains("https://idem.io/problems/stored-failure")
        .as("no exception class or message reaches the client").doesNotContain("IllegalStateException")
        .doesNotContain("4242").doesNotContain("acquirer");
  }

  @Test
  void unreachableStoreGets503WithRetryAfterAndHandlerDoesNotRun() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet, new UnreachableStore(), IdempotencyConfig.ofDefaults(),
        HttpIdempotencyConfig.ofDefaults());

    HttpResponse<String> response = Http.post(jetty.uri("/payments"), "key-1", "x");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).contains("5");
    assertThat(response.body()).contains("https://idem.io/problems/store-unavailable");
    assertThat(servlet.runs()).isZero();
  }

  @Test
  void unreachableStoreRunsHandlerUnprotectedWhenFailOpenIsChosen() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet, new UnreachableStore(), IdempotencyConfig.ofDefaults(),
        HttpIdempotencyConfig.custom().failOpen(true).build());

    HttpResponse<String> response = Http.post(jetty.uri("/payments"), "key-1", "x");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEqualTo("{\"run\":1,\"echo\":\"x\"}");
  }

  /**
   * The slow attempt finishes while the attempt that took its key over is still running: the only
   * moment at which fencing decides anything. Had the slow attempt's result been stored, a retry
   * would replay "run 1" instead of waiting for the takeover.
   */
  @Test
  void attemptWhoseLeaseWasTakenOverCannotStoreItsResponseWhileTheTakeoverRuns() throws Exception {
    ManualClock clock = new ManualClock();
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch takeoverRunning = new CountDownLatch(1);
    CountDownLatch releaseTakeover = new CountDownLatch(1);
    TestServlet servlet = new TestServlet((request, response, run) -> {
      if (run == 1) {
        firstRunning.countDown();
        releaseFirst.await(30, TimeUnit.SECONDS);
      } else if (run == 2) {
        takeoverRunning.countDown();
        releaseTakeover.await(30, TimeUnit.SECONDS);
      }
      response.setStatus(201);
      response.getWriter().write("run " + run);
    });
    JettyServer jetty = start(servlet, MemoryStore.builder().clock(clock).build(),
        IdempotencyConfig.custom().lease(Duration.ofSeconds(10)).heartbeat(IdempotencyConfig.HeartbeatMode.OFF)
            .clock(clock).build(),
        HttpIdempotencyConfig.ofDefaults());

    CompletableFuture<HttpResponse<String>> slow = Http.postAsync(jetty.uri("/payments"), "key-1", "x");
    assertThat(firstRunning.await(30, TimeUnit.SECONDS)).isTrue();
    clock.advance(Duration.ofSeconds(11));
    CompletableFuture<HttpResponse<String>> takeover = Http.postAsync(jetty.uri("/payments"), "key-1", "x");
    assertThat(takeoverRunning.await(30, TimeUnit.SECONDS)).as("the takeover's handler runs").isTrue();

    releaseFirst.countDown();
    slow.get(30, TimeUnit.SECONDS);
    HttpResponse<String> duringTakeover = Http.post(jetty.uri("/payments"), "key-1", "x");
    releaseTakeover.countDown();
    HttpResponse<String> takenOver = takeover.get(30, TimeUnit.SECONDS);
    HttpResponse<String> retry = Http.post(jetty.uri("/payments"), "key-1", "x");

    assertThat(duringTakeover.statusCode()).as("the key is still the takeover's, not the slow attempt's result")
        .isEqualTo(409);
    assertThat(takenOver.body()).isEqualTo("run 2");
    assertThat(retry.body()).isEqualTo("run 2");
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(servlet.runs()).isEqualTo(2);
  }

  @Test
  void fiftyConcurrentIdenticalRequestsRunTheHandlerOnce() throws Exception {
    CountDownLatch othersAnswered = new CountDownLatch(49);
    TestServlet servlet = new TestServlet((request, response, run) -> {
      othersAnswered.await(30, TimeUnit.SECONDS);
      response.setStatus(201);
    });
    JettyServer jetty = start(servlet);

    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      responses.add(Http.postAsync(jetty.uri("/payments"), "same", "x").whenComplete((r, e) -> {
            if (r != null && r.statusCode() == 409) {
              othersAnswered.countDown();
            }
          }));
    }
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> response : responses) {
      statuses.add(response.get(60, TimeUnit.SECONDS).statusCode());
    }

    assertThat(servlet.runs()).isEqualTo(1);
    assertThat(statuses).containsOnly(201, 409);
    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
  }

  @Test
  void tenantsNeverReceiveEachOthersReplay() throws Exception {
    TestServlet servlet = created();
    Idempotency engine = Idempotency.create(MemoryStore.create());
    resources.add(engine);
    JettyServer jetty = JettyServer.builder()
        .filter(new PrincipalFromHeaderFilter())
        .filter(IdempotencyFilter.create(engine, HttpIdempotencyConfig.ofDefaults()))
        .servlet("/*", servlet)
        .start();
    resources.add(jetty);

    HttpResponse<String> alice = Http.send(Http.post(jetty.uri("/payments"), "key-1", "x".getBytes(StandardCharsets.UTF_8))
        .header("X-User", "alice"));
    HttpResponse<String> bob = Http.send(Http.post(jetty.uri("/payments"), "key-1", "x".getBytes(StandardCharsets.UTF_8))
        .header("X-User", "bob"));

    assertThat(servlet.runs()).isEqualTo(2);
    assertThat(alice.body()).contains("\"run\":1");
    assertThat(bob.body()).contains("\"run\":2");
    assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
  }

  @Test
  void requestBodyOverTheLimitGets413AndHandlerDoesNotRun() throws Exception {
    TestServlet servlet = created();
    JettyServer jetty = start(servlet, IdempotencyConfig.ofDefaults(),
        HttpIdempotencyConfig.custom().maxRequestBodyBytes(10).build());

    HttpResponse<String> response = Http.post(jetty.uri("/payments"), "key-1", "this body is over ten bytes");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("https://idem.io/problems/request-too-large");
    assertThat(servlet.runs()).isZero();
  }

  @Test
  void handlerReadsTheExactBodyIdemFingerprinted() throws Exception {
    byte[] binary = new byte[256 * 1024];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 31);
    }
    TestServlet servlet = new TestServlet((request, response, run) -> {
      byte[] received = request.getInputStream().readAllBytes();
      response.setStatus(201);
      response.getWriter().write(java.util.Arrays.equals(received, binary) ? "intact" : "changed " + received.length);
    });
    JettyServer jetty = start(servlet);

    HttpResponse<String> response = Http.send(Http.post(jetty.uri("/payments"), "key-1", binary));

    assertThat(response.body()).isEqualTo("intact");
  }
}
