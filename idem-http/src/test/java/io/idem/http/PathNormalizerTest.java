package io.idem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

  @ParameterizedTest
  @ValueSource(strings = {"/payments", "/%70ayments", "/%70%61yments", "/payments;x=1", "/payments;", "/./payments",
      "/a/../payments", "/%2e/payments", "/a/..;/payments", "/a/%2e%2e/payments",
      "/a/..;x=1/payments", "//payments", "/.//payments", "/pay%6Dents", "/b/c/../../payments"})
  void everySpellingOfOnePathNormalisesToIt(String raw) {
    assertThat(PathNormalizer.normalize(raw)).isEqualTo("/payments");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/                     | /",
      "/payments/            | /payments/",
      "/payments;/           | /payments/",
      "/payments/.           | /payments/",
      "/payments/x/..        | /payments/",
      "/a/..                 | /",
      "/.                    | /",
      "/payments/pay_1       | /payments/pay_1",
      "/a%3Bb                | /a%3Bb",
      "/a%3bb                | /a%3Bb",
      "/caf%c3%a9            | /caf%C3%A9",
      "/a%25b                | /a%25b",
      "/A/B                  | /A/B",
      "/a:b@c!$&()*+,=       | /a:b@c!$&()*+,="})
  void keepsWhatIsSignificantAndCanonicalisesEscapes(String raw, String normalised) {
    assertThat(PathNormalizer.normalize(raw)).isEqualTo(normalised);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                    | must start with '/'",
      "payments              | must start with '/'",
      "*                     | must start with '/'",
      "/payments%2fx         | encoded '/'",
      "/payments%2F          | encoded '/'",
      "/a%2F..%2Fpayments    | encoded '/'",
      "/..                   | above the root",
      "/../payments          | above the root",
      "/a/../../payments     | above the root",
      "/%2e%2e/payments      | above the root",
      "/..;/payments         | above the root",
      "/pay%                 | malformed escape",
      "/pay%7                | malformed escape",
      "/pay%zzments          | malformed escape",
      "/pay%00ments          | encoded control character (%00)",
      "/pay%0aments          | encoded control character (%0A)",
      "/pay\\ments           | '\\'",
      "/pay ments            | U+0020",
      "/payé                 | U+00E9"})
  void refusesWhatHasNoSafeReading(String raw, String reason) {
    assertThatThrownBy(() -> PathNormalizer.normalize(raw))
        .isInstanceOf(UnsafePathException.class)
        .hasMessageContaining(reason);
  }
}
