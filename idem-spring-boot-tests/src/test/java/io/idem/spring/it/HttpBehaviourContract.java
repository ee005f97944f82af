package io.idem.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.idem.Idempotency;
import io.idem.IdempotencyKey;
import io.idem.spring.Idempotent;
import io.idem.spring.it.app.Counters;
import io.idem.spring.it.app.TestController;
import io.idem.spring.web.IdempotentRoutes;
import io.idem.testservers.RedisServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The behaviour table of docs/http.md through a real Spring Boot server, on a Redis store of the
 * test's own (the last test stops it for the 503). MVC and WebFlux each run it in one application.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class HttpBehaviourContract {

  static final String PROBLEM_JSON = "application/problem+json";

  private static RedisServer redis;

  @Value("${local.server.port}")
  int port;

  @Autowired
  Counters counters;

  @Autowired
  Idempotency engine;

  @Autowired
  IdempotentRoutes routes;

  Http http;

  /** For subclasses' {@code @DynamicPropertySource}: one Redis per application, stopped at the end. */
  static void storeOnOwnRedis(DynamicPropertyRegistry registry) {
    redis = RedisServer.start();
    registry.add("idem.store", redis::url);
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
      redis = null;
    }
  }

  Http http() {
    if (http == null) {
      http = new Http(port);
    }
    return http;
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  @Test
  void newKeyRunsTheHandlerOnceAndRetriesGetTheStoredResponseByteForByte() {
    String name = unique("new");
    HttpResponse<String> first = http().post("/orders/" + name, "k-" + name, "{\"amount\":1}");
    HttpResponse<String> retry = http().post("/orders/" + name, "k-" + name, "{\"amount\":1}");

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.headers().firstValue("X-Run")).hasValue("1");
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(counters.runs(name)).isEqualTo(1);
  }

  @Test
  void requestsWithoutAKeyOrOfUncoveredMethodsRunEveryTime() {
    String name = unique("nokey");
    http().post("/orders/" + name, null, "{}");
    http().post("/orders/" + name, null, "{}");
    assertThat(http().send("GET", "/orders/" + name, "k-" + name, null, null).body()).isEqualTo("2");
  }

  @Test
  void sameKeyWithAnotherBodyIs422() {
    String name = unique("mismatch");
    http().post("/orders/" + name, "k-" + name, "{\"amount\":1}");
    HttpResponse<String> other = http().post("/orders/" + name, "k-" + name, "{\"amount\":2}");

    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM_JSON));
    assertThat(other.body()).contains("idempotency-key-reused");
    assertThat(counters.runs(name)).isEqualTo(1);
  }

  @Test
  void duplicateWhileTheFirstRunsIs409WithRetryAfter() throws Exception {
    String name = unique("slow");
    counters.holdSlow();
    CompletableFuture<HttpResponse<String>> first = http().postAsync("/slow/" + name, "k-" + name, "{}");
    await().atMost(Duration.ofSeconds(20)).until(() -> counters.runs(name) == 1);

    HttpResponse<String> duplicate = http().post("/slow/" + name, "k-" + name, "{}");
    counters.releaseSlow();

    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(duplicate.headers().firstValue("Retry-After")).isPresent();
    assertThat(duplicate.body()).contains("request-in-progress");
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(first.get().body()).isEqualTo("slow " + name);
    assertThat(http().post("/slow/" + name, "k-" + name, "{}").headers().firstValue("Idempotent-Replayed"))
        .hasValue("true");
    assertThat(counters.runs(name)).isEqualTo(1);
  }

  @Test
  void missingKeyWhereRequiredIs400AndTheHandlerDoesNotRun() {
    String name = unique("required");
    HttpResponse<String> response = http().post("/required/" + name, null, "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("idempotency-key-missing");
    assertThat(counters.runs(name)).isZero();
  }

  @Test
  void malformedKeyIs400() {
    String name = unique("malformed");
    HttpResponse<String> response = http().post("/orders/" + name, "x".repeat(256), "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("idempotency-key-malformed");
    assertThat(counters.runs(name)).isZero();
  }

  @Test
  void aHandlerThatAnswers5xxReleasesTheKeySoARetryRunsAgain() {
    String name = unique("fail");
    assertThat(http().post("/fail/" + name, "k-" + name, "{}").statusCode()).isEqualTo(500);
    assertThat(http().post("/fail/" + name, "k-" + name, "{}").statusCode()).isEqualTo(500);
    assertThat(counters.runs(name)).isEqualTo(2);
  }

  @Test
  void theTenantIsTheAuthenticatedPrincipal() {
    String name = unique("tenant");
    HttpResponse<String> alice = http().send("POST", "/orders/" + name, "shared-key-" + name, "alice", "{}");
    HttpResponse<String> bob = http().send("POST", "/orders/" + name, "shared-key-" + name, "bob", "{}");
    HttpResponse<String> aliceAgain = http().send("POST", "/orders/" + name, "shared-key-" + name, "alice", "{}");

    assertThat(alice.body()).contains("\"owner\":\"alice\"");
    assertThat(bob.body()).contains("\"owner\":\"bob\"").contains("\"run\":2");
    assertThat(aliceAgain.body()).isEqualTo(alice.body());
    assertThat(counters.runs(name)).isEqualTo(2);
    assertThat(engine.store().find(IdempotencyKey.of("http", "alice", "shared-key-" + name))).isPresent();
  }

  @Test
  void annotatedHandlerRequiresTheKey() {
    String name = unique("ann-required");
    assertThat(http().post("/annotated/required/" + name, null, "{}").statusCode()).isEqualTo(400);
    assertThat(http().post("/annotated/required/" + name, "k-" + name, "{}").statusCode()).isEqualTo(200);
    assertThat(counters.runs(name)).isEqualTo(1);
  }

  @Test
  void annotatedHandlerIsCoveredWhateverItsMethod() {
    String name = unique("ann-put");
    http().send("PUT", "/annotated/put/" + name, "k-" + name, null, "{}");
    HttpResponse<String> retry = http().send("PUT", "/annotated/put/" + name, "k-" + name, null, "{}");

    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(counters.runs(name)).isEqualTo(1);
  }

  @Test
  void annotatedHandlerKeepsItsKeysInItsNamespace() {
    String name = unique("ann-ns");
    http().post("/annotated/namespace/" + name, "k-" + name, "{}");

    assertThat(engine.store().find(IdempotencyKey.of("orders", "", "k-" + name))).isPresent();
    assertThat(engine.store().find(IdempotencyKey.of("http", "", "k-" + name))).isEmpty();
  }

  @Test
  void annotatedRetentionEndsTheReplayWindow() {
    String name = unique("ann-short");
    http().post("/annotated/short/" + name, "k-" + name, "{}");

    // With the configured 24 h this never happens; with the annotation's 2 s it does.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> engine.store().find(IdempotencyKey.of("http", "", "k-" + name)).isEmpty());
    http().post("/annotated/short/" + name, "k-" + name, "{}");
    assertThat(counters.runs(name)).isEqualTo(2);
  }

  @Test
  void annotatedLeaseAndRetentionRunOnAnEngineOfTheirOwn() throws Exception {
    Idempotent annotation = TestController.class.getMethod("shortLived", String.class).getAnnotation(Idempotent.class);
    Idempotency own = routes.forHandler(annotation, "POST").engine();

    assertThat(own.config().lease()).isEqualTo(Duration.ofSeconds(1));
    assertThat(own.config().retention()).isEqualTo(Duration.ofSeconds(2));
    assertThat(own.store()).isSameAs(engine.store());
    assertThat(routes.forHandler(null, "POST").engine()).isSameAs(engine);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void storeDownIs503WithRetryAfterAndTheHandlerDoesNotRun() {
    redis.close();
    redis = null;
    String name = unique("down");
    HttpResponse<String> response = http().post("/orders/" + name, "k-" + name, "{}");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(response.body()).contains("store-unavailable");
    assertThat(counters.runs(name)).isZero();
  }
}
