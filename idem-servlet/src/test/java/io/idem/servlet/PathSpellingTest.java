package io.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Idempotency;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression for skipping a required key by spelling the path differently: Idem decides on the path
 * the container routed, so every spelling that reaches the servlet of {@code /payments} needs a key,
 * and one key sent to two spellings of {@code /payments} is one request.
 */
class PathSpellingTest {

  private static final String BODY = "amount=10";

  private Idempotency engine;
  private JettyServer jetty;
  private TestServlet payments;
  private int port;

  @BeforeEach
  void start() throws Exception {
    engine = Idempotency.create(MemoryStore.create());
    payments = new TestServlet((request, response, run) -> {
      request.getInputStream().readAllBytes();
      response.setStatus(201);
      response.setContentType("application/json");
      response.getOutputStream().write(("{\"run\":" + run + "}").getBytes(StandardCharsets.UTF_8));
    });
    jetty = JettyServer.builder()
        .filter(IdempotencyFilter.create(engine, HttpIdempotencyConfig.custom().requireKeyOnPaths("/payments").build()))
        .servlet("/payments/*", payments)
        .servlet("/", new TestServlet((request, response, run) -> response.setStatus(404)))
        .start();
    port = jetty.uri("/").getPort();
  }

  @AfterEach
  void stop() throws Exception {
    jetty.close();
    engine.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/payments", "/%70ayments", "/payments;x=1", "/./payments", "/a/../payments", "/payments;/",
      "/payments/", "/%70%61yments", "/%2e/payments", "/%2E/payments", "/a/%2e%2e/payments", "/a/..;/payments",
      "/payments%3bx=1", "/payments%3Bx=1", "/payments%3b/", "/%2e%2fpayments", "/payments%2f", "//payments",
      "/.;/payments", "/pay%6dents;jsessionid=1/"})
  void noSpellingReachesTheHandlerWithoutAKey(String target) throws Exception {
    RawHttp.Response response = RawHttp.send(port, "POST", target, Map.of(), BODY);

    assertThat(payments.runs()).as("POST %s ran the handler without a key", target).isZero();
    if (response.status() == 400 && response.body().contains("idempotency-key-missing")) {
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    } else {
      assertThat(response.status()).as("POST %s answered %s", target, response).isIn(400, 404);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/%70ayments", "/payments;x=1", "/./payments", "/a/../payments", "/pay%6Dents;v=2"})
  void oneKeySentToTwoSpellingsOfOnePathIsOneRequest(String spelling) throws Exception {
    Map<String, String> key = Map.of("Idempotency-Key", "spelling-1");
    RawHttp.Response first = RawHttp.send(port, "POST", "/payments", key, BODY);
    RawHttp.Response retry = RawHttp.send(port, "POST", spelling, key, BODY);

    assertThat(first.status()).isEqualTo(201);
    assertThat(retry.status()).as("POST %s answered %s", spelling, retry).isEqualTo(201);
    assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(payments.runs()).isEqualTo(1);
  }
}
