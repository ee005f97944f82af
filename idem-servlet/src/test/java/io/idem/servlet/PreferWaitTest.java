package io.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.memory.MemoryStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code Prefer: wait=N} (RFC 7240): a duplicate waits for the running request, woken by the store. */
class PreferWaitTest {

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch running = new CountDownLatch(1);
  private final TestServlet servlet = new TestServlet((request, response, run) -> {
    running.countDown();
    release.await(30, TimeUnit.SECONDS);
    response.setStatus(201);
    response.getOutputStream().write(("payment " + run).getBytes(StandardCharsets.UTF_8));
  });
  private Idempotency engine;
  private JettyServer jetty;

  @BeforeEach
  void start() throws Exception {
    engine = Idempotency.create(MemoryStore.create(), IdempotencyConfig.ofDefaults());
    jetty = JettyServer.builder()
        .filter(IdempotencyFilter.create(engine, HttpIdempotencyConfig.custom()
            .maxPreferredWait(Duration.ofSeconds(10)).build()))
        .servlet("/*", servlet)
        .start();
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    jetty.close();
    engine.close();
  }

  private CompletableFuture<HttpResponse<String>> post(String prefer) {
    var request = Http.post(jetty.uri("/payments"), "key-1", "x".getBytes(StandardCharsets.UTF_8));
    if (prefer != null) {
      request.header("Prefer", prefer);
    }
    return Http.CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Test
  void duplicatePreferringToWaitGetsTheReplayWithPreferenceApplied() throws Exception {
    CompletableFuture<HttpResponse<String>> first = post(null);
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<HttpResponse<String>> waiting = post("respond-async, wait=30");
    CompletableFuture<HttpResponse<String>> impatient = post(null);
    assertThat(impatient.get(30, TimeUnit.SECONDS).statusCode()).as("no preference: 409 at once").isEqualTo(409);
    assertThat(waiting).isNotDone();
    release.countDown();

    HttpResponse<String> replay = waiting.get(30, TimeUnit.SECONDS);
    assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    assertThat(replay.statusCode()).isEqualTo(201);
    assertThat(replay.body()).isEqualTo("payment 1");
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(replay.headers().firstValue("Preference-Applied")).as("capped at 10 s").contains("wait=10");
    assertThat(servlet.runs()).isEqualTo(1);
  }

  @Test
  void unparsableWaitPreferenceIsIgnored() throws Exception {
    post(null);
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
    HttpResponse<String> duplicate = post("wait=soon").get(30, TimeUnit.SECONDS);
    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(duplicate.headers().firstValue("Preference-Applied")).isEmpty();
  }
}
