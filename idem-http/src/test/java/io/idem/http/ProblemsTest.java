package io.idem.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.http.StoredResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProblemsTest {

  @Test
  void problemIsRfc9457JsonWithStableTypeAndEscapedDetail() {
    StoredResponse problem = Problems.of(ProblemType.KEY_MALFORMED, "bad \"key\"\n\\", null,
        Map.of("original_status", 201));

    assertThat(problem.status()).isEqualTo(400);
    assertThat(problem.headerValues("Content-Type")).containsExactly("application/problem+json");
    assertThat(new String(problem.body(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"type\":\"https://idem.io/problems/idempotency-key-malformed\",\"title\":\"Idempotency key malformed\","
            + "\"status\":400,\"detail\":\"bad \\\"key\\\"\\n\\\\\",\"original_status\":201}");
  }

  @Test
  void retryAfterRoundsUpToWholeSecondsAndIsNeverZero() {
    assertThat(Problems.retryAfterSeconds(Duration.ofMillis(1500))).isEqualTo("2");
    assertThat(Problems.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo("1");
    assertThat(Problems.retryAfterSeconds(Duration.ofSeconds(5))).isEqualTo("5");
  }

  @Test
  void everyProblemTypeHasItsOwnUriUnderTheDocumentedBase() {
    assertThat(ProblemType.values()).extracting(p -> p.type().toString()).doesNotHaveDuplicates()
        .allMatch(uri -> uri.startsWith(ProblemType.BASE_URI));
  }
}
