package io.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo's fixed interface on the in-memory store, as the curl walkthrough in docs/http.md uses it. */
class PaymentsDemoTest extends RunningMemoryDemo {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void createAnswers201WithGeneratedIdAndLocation() throws Exception {
    HttpResponse<String> created = client.create("create", "k1", "{\"amount\": 1250, \"currency\": \"eur\"}");

    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode payment = json(created);
    assertThat(payment.get("id").asText()).startsWith("pay_");
    assertThat(payment.get("amount").asLong()).isEqualTo(1250);
    assertThat(payment.get("currency").asText()).isEqualTo("EUR");
    assertThat(created.headers().firstValue("Location")).contains("/payments/" + payment.get("id").asText());
    assertThat(client.get("create", "/payments/" + payment.get("id").asText()).statusCode()).isEqualTo(200);
  }

  @Test
  void retryIsReplayedAndCreatesNothing() throws Exception {
    String body = "{\"amount\": 500, \"currency\": \"USD\"}";
    HttpResponse<String> created = client.create("retry", "order-1", body);
    HttpResponse<String> retried = client.create("retry", "order-1", body);

    assertThat(retried.statusCode()).isEqualTo(201);
    assertThat(retried.body()).isEqualTo(created.body());
    assertThat(retried.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(json(client.get("retry", "/payments"))).hasSize(1);
  }

  @Test
  void sameKeyWithAnotherBodyIs422() throws Exception {
    client.create("mismatch", "order-1", "{\"amount\": 500, \"currency\": \"USD\"}");
    HttpResponse<String> other = client.create("mismatch", "order-1", "{\"amount\": 999, \"currency\": \"USD\"}");

    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(json(other).get("type").asText()).isEqualTo("https://idem.io/problems/idempotency-key-reused");
    assertThat(json(client.get("mismatch", "/payments"))).hasSize(1);
  }

  @Test
  void twoAtOnceAnswer409ToTheSecond() throws Exception {
    String slow = "{\"amount\": 700, \"currency\": \"GBP\", \"delay_ms\": 3000}";
    CompletableFuture<HttpResponse<String>> first = client.createAsync("concurrent", "slow-1", slow);
    // Whichever of the two arrives first holds the key for three seconds; the other finds it held.
    HttpResponse<String> second = client.create("concurrent", "slow-1", slow);

    HttpResponse<String> firstResponse = first.get(30, TimeUnit.SECONDS);
    assertThat(java.util.List.of(firstResponse.statusCode(), second.statusCode())).containsExactlyInAnyOrder(201, 409);
    HttpResponse<String> conflict = second.statusCode() == 409 ? second : firstResponse;
    assertThat(conflict.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(conflict).get("type").asText()).isEqualTo("https://idem.io/problems/request-in-progress");
    assertThat(json(client.get("concurrent", "/payments"))).hasSize(1);
  }

  @Test
  void missingKeyIs400AndCreatesNothing() throws Exception {
    HttpResponse<String> response = client.create("nokey", null, "{\"amount\": 1, \"currency\": \"EUR\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(json(client.get("nokey", "/payments"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{bad", "[]", "{\"amount\": -5, \"currency\": \"EUR\"}", "{\"amount\": 1.5, \"currency\": \"EUR\"}",
      "{\"amount\": \"10\", \"currency\": \"EUR\"}", "{\"amount\": 10, \"currency\": \"EURO\"}", "{\"amount\": 10}",
      "{\"amount\": 10, \"currency\": \"EUR\", \"delay_ms\": -1}", "{\"amount\": 10, \"currency\": \"EUR\", \"fail\": 1}",
      "{\"amount\": 10, \"currency\": \"EUR\", \"colour\": \"red\"}", ""})
  void invalidBodyIs400ProblemAndCreatesNothing(String body) throws Exception {
    HttpResponse<String> response = client.create("invalid", "bad-" + body.hashCode(), body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("type").asText()).isEqualTo("https://idem.io/problems/demo/invalid-payment");
    assertThat(json(client.get("invalid", "/payments"))).isEmpty();
  }

  @Test
  void failedPaymentIsNotReplayedSoARetryRunsAgain() throws Exception {
    String failing = "{\"amount\": 10, \"currency\": \"EUR\", \"fail\": true}";
    HttpResponse<String> first = client.create("failing", "f-1", failing);
    HttpResponse<String> retry = client.create("failing", "f-1", failing);

    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(retry.statusCode()).isEqualTo(500);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(json(client.get("failing", "/payments"))).isEmpty();
  }

  @Test
  void tenantsAreSeparateEvenWithTheSameKey() throws Exception {
    String body = "{\"amount\": 10, \"currency\": \"EUR\"}";
    HttpResponse<String> alice = client.create("alice", "shared-key", body);
    HttpResponse<String> bob = client.create("bob", "shared-key", body);
    HttpResponse<String> anonymous = client.create(null, "shared-key", body);

    assertThat(json(bob).get("id")).isNotEqualTo(json(alice).get("id"));
    assertThat(json(anonymous).get("id")).isNotEqualTo(json(alice).get("id"));
    assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(json(client.get("alice", "/payments"))).hasSize(1);
    assertThat(json(client.get("bob", "/payments"))).hasSize(1);
  }

  @Test
  void healthzAnswers200() throws Exception {
    assertThat(client.get(null, "/healthz").statusCode()).isEqualTo(200);
  }
}
