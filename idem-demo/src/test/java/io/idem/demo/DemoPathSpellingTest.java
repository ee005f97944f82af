package io.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression for the hostile tester's key bypass: {@code POST /%70ayments} and friends reached the
 * payments handler with no key. Every spelling either needs the key or goes elsewhere, and one key on
 * two spellings of {@code /payments} creates one payment.
 */
class DemoPathSpellingTest extends RunningMemoryDemo {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY = "{\"amount\": 100, \"currency\": \"EUR\"}";


  private RawClient.Answer post(String target, String tenant, String... headers) throws Exception {
    String[] all = new String[headers.length + 1];
    all[0] = "Authorization: Bearer " + tenant;
    System.arraycopy(headers, 0, all, 1, headers.length);
    return RawClient.exchange(server.port(), RawClient.head("POST", target, BODY.length(), all) + BODY);
  }

  private int payments(String tenant) throws Exception {
    return JSON.readTree(client.get(tenant, "/payments").body()).size();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/payments", "/%70ayments", "/payments;x=1", "/./payments", "/a/../payments", "/payments;/",
      "/payments/", "/%70%61%79ments", "/%2e/payments", "/%2E/payments", "/a/%2e%2e/payments", "/a/%2E%2E/payments",
      "/a/..;/payments", "/.;/payments", "/payments%3bx=1", "/payments%3B/", "/%2e%2fpayments", "/payments%2f",
      "//payments", "/payments/.", "/b/./../payments;jsessionid=x", "/PAYMENTS", "/pay%6dents;v=1/"})
  void noSpellingCreatesAPaymentWithoutAKey(String target) throws Exception {
    String tenant = "spelling-" + Integer.toHexString(target.hashCode());

    RawClient.Answer answer = post(target, tenant);

    assertThat(payments(tenant)).as("POST %s created a payment without a key: %s", target, answer).isZero();
    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    if (answer.status() == 400) {
      assertThat(answer.body()).containsAnyOf("idempotency-key-missing", "about:blank");
    } else {
      assertThat(answer.status()).as("POST %s", target).isEqualTo(404);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/%70ayments", "/payments;x=1", "/./payments", "/a/../payments", "/pay%6Dents;v=2"})
  void oneKeyOnTwoSpellingsOfPaymentsCreatesOnePayment(String spelling) throws Exception {
    String tenant = "respell-" + Integer.toHexString(spelling.hashCode());
    RawClient.Answer first = post("/payments", tenant, "Idempotency-Key: order-7");
    RawClient.Answer retry = post(spelling, tenant, "Idempotency-Key: order-7");

    assertThat(first.status()).isEqualTo(201);
    assertThat(retry.status()).as("POST %s", spelling).isEqualTo(201);
    assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(payments(tenant)).isEqualTo(1);
  }
}
