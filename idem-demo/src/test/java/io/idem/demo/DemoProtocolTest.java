package io.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hostile tester's smaller findings, each a regression: client mistakes are 4xx problem+json
 * (never 501), TRACE echoes nothing, every problem has one content type, a short body is answered
 * without server internals, and UTF-8 names are tenants.
 */
class DemoProtocolTest extends RunningMemoryDemo {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROBLEM = "application/problem+json";
  private static final String BODY = "{\"amount\": 100, \"currency\": \"EUR\"}";


  private RawClient.Answer send(String request) throws Exception {
    return RawClient.exchange(server.port(), request);
  }

  private int payments(String tenant) throws Exception {
    return JSON.readTree(client.get(tenant, "/payments").body()).size();
  }

  @ParameterizedTest
  @ValueSource(strings = {"PATCH", "post", "PUT", "DELETE", "FOO", "Post"})
  void methodThePaymentsRouteDoesNotServeIs405ProblemWithAllow(String method) throws Exception {
    String tenant = "method-" + method;
    RawClient.Answer answer = send(RawClient.head(method, "/payments", BODY.length(), "Idempotency-Key: m-1",
        "Authorization: Bearer " + tenant) + BODY);

    assertThat(answer.status()).isEqualTo(405);
    assertThat(answer.header("Allow")).isEqualTo("GET, HEAD, POST, OPTIONS");
    assertThat(answer.header("Content-Type")).startsWith(PROBLEM);
    assertThat(answer.body()).contains("https://idem.io/problems/demo/method-not-allowed");
    assertThat(payments(tenant)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"post", "Post"})
  void methodNamesAreCaseSensitiveSoALowerCasePostIsNotIdempotencyCovered(String method) throws Exception {
    String request = RawClient.head(method, "/payments", BODY.length(), "Idempotency-Key: lower-" + method,
        "Authorization: Bearer lower") + BODY;
    send(request);
    RawClient.Answer retry = send(request);

    assertThat(retry.status()).isEqualTo(405);
    assertThat(retry.header("Idempotent-Replayed")).as("a refused method is not stored and replayed").isNull();
  }

  @Test
  void methodThatIsNotAValidTokenIs400Problem() throws Exception {
    RawClient.Answer answer = send("FO(O /payments HTTP/1.1\r\nHost: localhost\r\n\r\n");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.header("Content-Type")).startsWith(PROBLEM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRACE", "TRACK", "trace"})
  void traceIsRefusedAndEchoesNoCredentials(String method) throws Exception {
    RawClient.Answer answer = send(RawClient.head(method, "/payments", -1, "Authorization: Bearer secret-alice",
        "Cookie: session=secret-cookie"));

    assertThat(answer.status()).isEqualTo(405);
    assertThat(answer.header("Allow")).doesNotContain("TRACE");
    assertThat(answer.header("Content-Type")).startsWith(PROBLEM);
    assertThat(answer.head() + answer.body()).doesNotContain("secret-alice").doesNotContain("secret-cookie");
  }

  @Test
  void optionsListsTheMethodsWithoutTrace() throws Exception {
    assertThat(send(RawClient.head("OPTIONS", "/payments", -1)).header("Allow")).isEqualTo("GET, HEAD, POST, OPTIONS");
    assertThat(send(RawClient.head("OPTIONS", "/payments/pay_1", -1)).header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET /nowhere", "POST /nowhere", "GET /payments/pay_unknown", "DELETE /healthz/x",
      "GET /payments%3bx"})
  void everyErrorIsProblemJsonWhateverTheClientAccepts(String request) throws Exception {
    String[] methodAndPath = request.split(" ");
    RawClient.Answer answer = send(RawClient.head(methodAndPath[0], methodAndPath[1], -1, "Accept: text/html"));

    assertThat(answer.status()).isBetween(400, 499);
    assertThat(answer.header("Content-Type")).isEqualTo(PROBLEM);
    assertThat(JSON.readTree(answer.body()).get("status").asInt()).isEqualTo(answer.status());
  }

  @Test
  void bodyShorterThanItsContentLengthIs400ProblemWithoutServerInternals() throws Exception {
    try (RawClient shortBody = new RawClient("127.0.0.1", server.port())) {
      shortBody.send(RawClient.head("POST", "/payments", 100, "Idempotency-Key: short-1",
          "Authorization: Bearer short") + "{\"amount\": 100,");

      // Generous next to the ten seconds the limits allow, short of Jetty's 30 s idle timeout that used to end it.
      RawClient.Answer answer = shortBody.answerWithin(25_000);

      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.header("Content-Type")).isEqualTo(PROBLEM);
      assertThat(answer.body()).contains("https://idem.io/problems/request-unreadable")
          .doesNotContain("Exception").doesNotContain("java.").doesNotContain("org.eclipse");
    }
    assertThat(payments("short")).isZero();
  }

  @Test
  void utf8NamesAreTenantsOfTheirOwn() throws Exception {
    for (String name : new String[] {"zoë", "łukasz", "渡辺"}) {
      RawClient.Answer created = send(RawClient.head("POST", "/payments", BODY.length(), "Idempotency-Key: u-1",
          "Authorization: Bearer " + name) + BODY);
      assertThat(created.status()).as(name).isEqualTo(201);
      RawClient.Answer list = send(RawClient.head("GET", "/payments", -1, "Authorization: Bearer " + name));
      assertThat(JSON.readTree(list.body())).as(name).hasSize(1);
    }
    // The Latin-1 reading of "zoë" ("zoÃ«") is another name, not the same tenant.
    RawClient.Answer garbled = send(RawClient.head("GET", "/payments", -1, "Authorization: Bearer zoÃ«"));
    assertThat(JSON.readTree(garbled.body())).isEmpty();
  }

  @Test
  void nameThatIsNotUtf8Is401Problem() throws Exception {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write("GET /payments HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer "
        .getBytes(StandardCharsets.US_ASCII));
    request.write(new byte[] {'z', 'o', (byte) 0xEB});
    request.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    try (RawClient latin1 = new RawClient("127.0.0.1", server.port())) {
      latin1.send(request.toByteArray());

      RawClient.Answer answer = latin1.answer();

      assertThat(answer.status()).isEqualTo(401);
      assertThat(answer.header("Content-Type")).isEqualTo(PROBLEM);
      assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
      assertThat(answer.body()).contains("UTF-8");
    }
  }
}
