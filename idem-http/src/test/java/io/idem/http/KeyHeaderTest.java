package io.idem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.InvalidKeyException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyHeaderTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "8e03978e-40d5-43e8-bc93-6894a57f9324   | 8e03978e-40d5-43e8-bc93-6894a57f9324",
      "'\"8e03978e-40d5\"'                    | 8e03978e-40d5",
      "'  \"padded\"\t'                       | padded",
      "'\"a\\\"b\"'                           | a\"b",
      "'\"back\\\\slash\"'                    | back\\slash",
      "'\"with,comma\"'                       | with,comma",
      "'*token/with:colon'                    | *token/with:colon"})
  void acceptsSfStringsAndBareTokens(String header, String key) {
    assertThat(KeyHeader.parse("Idempotency-Key", List.of(header))).isEqualTo(key);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "''                  | is empty",
      "'   '               | is empty",
      "'\"\"'              | idempotency key is empty",
      "'\"open'            | never closes it",
      "'\"bad\\escape\"'   | the escape \\e",
      "'\"trailing\\'      | ends inside an escape",
      "'\"a\";param=1'     | after the closing quote",
      "'\"a\", \"b\"'      | after the closing quote",
      "'a,b'               | holds a list",
      "'ab\"c'             | has a quote",
      "'\"has space\"'     | only visible ASCII",
      "'tab\there'         | only visible ASCII"})
  void rejectsMalformedValuesSayingWhatIsWrong(String header, String message) {
    assertThatThrownBy(() -> KeyHeader.parse("Idempotency-Key", List.of(header)))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageStartingWith("Idempotency-Key")
        .hasMessageContaining(message);
  }

  @org.junit.jupiter.api.Test
  void rejectsAKeySentTwice() {
    assertThatThrownBy(() -> KeyHeader.parse("Idempotency-Key", List.of("a", "a")))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("sent 2 times");
  }

  @org.junit.jupiter.api.Test
  void rejectsKeysOverTheStripeLimit() {
    assertThat(KeyHeader.parse("K", List.of("k".repeat(255)))).hasSize(255);
    assertThatThrownBy(() -> KeyHeader.parse("K", List.of("\"" + "k".repeat(256) + "\"")))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("256 characters long; the limit is 255");
  }

  @org.junit.jupiter.api.Test
  void rejectsNonAsciiInsideAQuotedKey() {
    assertThatThrownBy(() -> KeyHeader.parse("K", List.of("\"k\u00e9y\"")))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("U+00E9");
  }
}
