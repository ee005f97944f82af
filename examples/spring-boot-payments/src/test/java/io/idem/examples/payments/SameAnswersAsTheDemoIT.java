package io.idem.examples.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the example's jar and the demo's jar exactly as their documentation does, sends both the same
 * requests, and requires the same answers: status, body and the headers a client reads (payment ids
 * and timestamps aside, which each server makes its own).
 */
class SameAnswersAsTheDemoIT {

  private static final List<String> HEADERS = List.of("Content-Type", "Location", "Idempotent-Replayed", "Allow",
      "Retry-After", "WWW-Authenticate", "Cache-Control");

  private static RunningJar example;
  private static RunningJar demo;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    example = RunningJar.start(System.getProperty("example.jar"), "--server.port={port}", "--idem.store=memory:",
        "--idem.lease=60s", "--idem.retention=24h");
    demo = RunningJar.start(System.getProperty("demo.jar"), "--port", "{port}", "--store", "memory:", "--lease", "60s",
        "--retention", "24h");
  }

  @AfterAll
  static void stop() {
    if (example != null) {
      example.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  void theWalkthroughAnswersTheSame() throws Exception {
    String body = "{\"amount\": 1250, \"currency\": \"EUR\"}";
    same("POST", "/payments", body, "Bearer alice", "order-1001");
    same("POST", "/payments", body, "Bearer alice", "order-1001");
    same("GET", "/payments", null, "Bearer alice", null);
    same("GET", "/payments", null, "Bearer bob", null);
    same("POST", "/payments", "{\"amount\": 9999, \"currency\": \"EUR\"}", "Bearer alice", "order-1001");
    same("POST", "/payments", body, "Bearer bob", "order-1001");
    same("POST", "/payments", "{\"amount\": 500, \"currency\": \"USD\", \"fail\": true}", null, "order-1003");
    same("POST", "/payments", "{\"amount\": 500, \"currency\": \"USD\", \"fail\": true}", null, "order-1003");
  }

  @Test
  void mistakesAnswerTheSame() throws Exception {
    same("POST", "/payments", "{\"amount\": 1, \"currency\": \"EUR\"}", null, null);
    same("POST", "/payments", "{\"amount\": 1, \"currency\": \"EUR\"}", null, "x".repeat(256));
    same("POST", "/payments", "{\"amount\": bad}", null, "bad-json");
    same("POST", "/payments", "", null, "empty-body");
    same("POST", "/payments", "{\"amount\": 1, \"currency\": \"EURO\"}", null, "bad-currency");
    same("POST", "/payments", "{\"amount\": 1, \"currency\": \"EUR\", \"tip\": 1}", null, "unknown-field");
    same("POST", "/payments", "{\"amount\": -5, \"currency\": \"EUR\"}", null, "negative");
    same("POST", "/payments", "{\"amount\": 1, \"currency\": \"EUR\"}", "Basic YWxpY2U6cHc=", "basic");
    same("GET", "/payments/pay_unknown", null, "Bearer alice", null);
    same("GET", "/healthz", null, null, null);
    same("GET", "/nothing/here", null, null, null);
    same("DELETE", "/payments", null, null, null);
    same("PUT", "/payments/pay_x", "{}", null, null);
    same("POST", "/payments/pay_x", "{}", null, "post-one");
    same("POST", "/payments/pay_x", "{}", null, null);
    same("PATCH", "/payments", "{}", null, null);
    same("OPTIONS", "/payments", null, null, null);
    same("OPTIONS", "/payments/pay_x", null, null, null);
    same("OPTIONS", "/healthz", null, null, null);
    same("HEAD", "/healthz", null, null, null);
    same("POST", "/healthz", "{}", null, null);
  }

  @Test
  void aDuplicateWhileTheFirstRunsAnswersTheSame() throws Exception {
    String body = "{\"amount\": 500, \"currency\": \"USD\", \"delay_ms\": 3000}";
    CompletableFuture<Answer> exampleFirst = sendAsync(example, "POST", "/payments", body, null, "order-1002");
    CompletableFuture<Answer> demoFirst = sendAsync(demo, "POST", "/payments", body, null, "order-1002");
    Thread.sleep(1000); // the duplicate must arrive while the first runs; the first runs for 3 s
    same("POST", "/payments", body, null, "order-1002");
    assertThat(exampleFirst.get()).isEqualTo(demoFirst.get());
  }

  private void same(String method, String path, String body, String authorization, String key) throws Exception {
    Answer fromExample = sendAsync(example, method, path, body, authorization, key).get();
    Answer fromDemo = sendAsync(demo, method, path, body, authorization, key).get();
    assertThat(fromExample).as(method + " " + path + " " + body).isEqualTo(fromDemo);
  }

  private CompletableFuture<Answer> sendAsync(RunningJar server, String method, String path, String body,
      String authorization, String key) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(Answer::of);
  }

  /** What a client reads from an answer, with each server's own ids and times replaced. */
  record Answer(int status, Map<String, List<String>> headers, String body) {
    static Answer of(HttpResponse<String> response) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String name : HEADERS) {
        List<String> values = new ArrayList<>();
        response.headers().allValues(name).forEach(value -> values.add(normalised(value)));
        if (!values.isEmpty()) {
          headers.put(name, values);
        }
      }
      return new Answer(response.statusCode(), headers, normalised(response.body()));
    }

    private static String normalised(String text) {
      return text.replaceAll("pay_[0-9a-f]{32}", "pay_ID")
          .replaceAll("\"created_at\":\"[^\"]+\"", "\"created_at\":\"TIME\"");
    }
  }
}
