package io.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.idem.IdempotencyKey;
import io.idem.nats.NatsStore;
import io.idem.spi.StoredRecord;
import io.idem.testservers.FreePorts;
import io.idem.testservers.NatsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The demo on a real NATS JetStream key-value store (the test JVM's shared nats-server, or the one
 * {@code IDEM_TEST_NATS_URL} names), in a bucket of its own given as the URL's query parameter; and an
 * instance that crashes mid-request, whose key the other instance takes over once the lease ends.
 */
class NatsDemoTest extends SharedStoreDemoContract {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  String storeUri() {
    return NatsServer.sharedUrl() + "?bucket=idem-demo";
  }

  @Test
  void retryAfterTheFirstInstanceCrashedMidRequestRunsOnceOnTheOtherWhenTheLeaseEnds() throws Exception {
    // The payment takes 8 s; the crashed instance's lease is 1 s, kept alive by its heartbeat until the kill.
    String body = "{\"amount\": 990, \"currency\": \"EUR\", \"delay_ms\": 8000}";
    Path log = Files.createTempFile("idem-demo-crashing-", ".log");
    int port = FreePorts.pick();
    Process crashing = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), DemoMain.class.getName(),
        "--port", Integer.toString(port), "--store", storeUri(), "--lease", "1s")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try (DemoServer survivor = DemoServer.start(new DemoOptions(0, storeUri(), Duration.ofSeconds(1),
        DemoOptions.DEFAULT_RETENTION))) {
      DemoClient first = new DemoClient(port);
      DemoClient second = new DemoClient(survivor.port());
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> healthy(port));

      first.createAsync("crash", "crash-1", body);
      try (NatsStore store = NatsStore.create(storeUri())) {
        IdempotencyKey key = IdempotencyKey.of(DemoServer.NAMESPACE, "crash", "crash-1");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
            .until(() -> store.find(key).orElse(null) instanceof StoredRecord.InProgress);
      }
      assertThat(second.create("crash", "crash-1", body).statusCode()).as("the first instance holds the key")
          .isEqualTo(409);
      crashing.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

      HttpResponse<String> takenOver = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> second.create("crash", "crash-1", body), response -> response.statusCode() != 409);
      assertThat(takenOver.statusCode()).as("the retry ran the payment itself").isEqualTo(201);
      assertThat(takenOver.headers().firstValue("Idempotent-Replayed")).isEmpty();

      HttpResponse<String> replay = second.create("crash", "crash-1", body);
      assertThat(replay.body()).isEqualTo(takenOver.body());
      assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(JSON.readValue(second.get("crash", "/payments").body(), List.class)).hasSize(1);
    } finally {
      crashing.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }

  private static boolean healthy(int port) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/healthz"))
        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
  }
}
