package io.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the demo promises on a shared store: a restart keeps replaying, and two instances never run
 * one key twice. Each shared store's test is a subclass that starts its real server.
 */
abstract class SharedStoreDemoContract {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The {@code --store} URI of a running server. */
  abstract String storeUri();

  private DemoServer demo() throws Exception {
    return DemoServer.start(DemoOptions.defaults().withPort(0).withStore(storeUri()));
  }

  private static String id(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body()).get("id").asText();
  }

  @Test
  void duplicatePreferringToWaitGetsTheReplayFromAnotherInstance() throws Exception {
    try (DemoServer a = demo(); DemoServer b = demo()) {
      String key = "prefer-" + java.util.UUID.randomUUID();
      // Long enough that the duplicate finds the first still running on a crowded CI machine; the wait is 10 s.
      String body = "{\"amount\": 700, \"currency\": \"EUR\", \"delay_ms\": 6000}";
      CompletableFuture<HttpResponse<String>> first =
          new DemoClient(a.port()).createAsync("alice", key, body);
      org.awaitility.Awaitility.await("the first request holds the key").atMost(java.time.Duration.ofSeconds(30))
          .pollInterval(java.time.Duration.ofMillis(50))
          .until(() -> new DemoClient(b.port()).create("alice", key, body).statusCode() == 409);
      HttpResponse<String> waited = new DemoClient(b.port()).createPreferringAsync("alice", key, body, "wait=10")
          .get(30, TimeUnit.SECONDS);
      HttpResponse<String> original = first.get(30, TimeUnit.SECONDS);
      assertThat(original.statusCode()).isEqualTo(201);
      assertThat(waited.statusCode()).isEqualTo(201);
      assertThat(waited.body()).isEqualTo(original.body());
      assertThat(waited.headers().firstValue("Preference-Applied")).contains("wait=10");
      assertThat(waited.headers().firstValue("Idempotent-Replayed")).contains("true");
    }
  }

  @Test
  void retryAfterADemoRestartIsStillAnsweredWithTheReplay() throws Exception {
    String body = "{\"amount\": 4200, \"currency\": \"EUR\"}";
    HttpResponse<String> created;
    try (DemoServer first = demo()) {
      created = new DemoClient(first.port()).create("restart", "before-restart", body);
    }
    HttpResponse<String> retried;
    List<?> paymentsAfterRestart;
    try (DemoServer second = demo()) {
      DemoClient client = new DemoClient(second.port());
      retried = client.create("restart", "before-restart", body);
      paymentsAfterRestart = JSON.readValue(client.get("restart", "/payments").body(), List.class);
    }

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(retried.statusCode()).isEqualTo(201);
    assertThat(retried.body()).isEqualTo(created.body());
    assertThat(retried.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(paymentsAfterRestart).as("the restarted instance created no payment").isEmpty();
  }

  @Test
  void twoDemoInstancesOnOneRedisNeverExecuteOneKeyTwice() throws Exception {
    try (DemoServer a = demo(); DemoServer b = demo()) {
      DemoClient clientA = new DemoClient(a.port());
      DemoClient clientB = new DemoClient(b.port());
      int keys = 5;
      int requestsPerKey = 10;
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        String body = "{\"amount\": " + (k + 1) + ", \"currency\": \"EUR\", \"delay_ms\": 300}";
        for (int r = 0; r < requestsPerKey; r++) {
          DemoClient client = r % 2 == 0 ? clientA : clientB;
          responses.add(client.createAsync("pair", "shared-" + k, body));
        }
      }
      Set<String> createdIds = new HashSet<>();
      for (CompletableFuture<HttpResponse<String>> future : responses) {
        HttpResponse<String> response = future.get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isIn(201, 409);
        if (response.statusCode() == 201) {
          createdIds.add(id(response));
        }
      }
      int createdOnA = JSON.readValue(clientA.get("pair", "/payments").body(), List.class).size();
      int createdOnB = JSON.readValue(clientB.get("pair", "/payments").body(), List.class).size();

      assertThat(createdOnA + createdOnB).as("payments executed across both instances").isEqualTo(keys);
      assertThat(createdIds).as("every 201 for one key carries the one payment").hasSize(keys);
      for (int k = 0; k < keys; k++) {
        String body = "{\"amount\": " + (k + 1) + ", \"currency\": \"EUR\", \"delay_ms\": 300}";
        HttpResponse<String> onA = clientA.create("pair", "shared-" + k, body);
        HttpResponse<String> onB = clientB.create("pair", "shared-" + k, body);
        assertThat(onA.body()).isEqualTo(onB.body());
        assertThat(onB.headers().firstValue("Idempotent-Replayed")).contains("true");
      }
    }
  }
}
