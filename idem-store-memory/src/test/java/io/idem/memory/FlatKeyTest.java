package io.idem.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.IdempotencyKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlatKeyTest {

  private static final List<IdempotencyKey> KEYS = List.of(
      IdempotencyKey.of("payments", "", "k"),
      IdempotencyKey.of("payments", "1:payments", "2:x"),
      IdempotencyKey.of("pay", "ments", "k"),
      IdempotencyKey.of("paym", "ents", "k"),
      IdempotencyKey.of("p", "tenant:with:colons", "12:34"),
      IdempotencyKey.of("gateway", "Zürich — テナント", "key-~!"));

  @Test
  void everyKeyComesBackAsItWasAndNoTwoKeysShareAFlatForm() {
    for (IdempotencyKey key : KEYS) {
      assertThat(FlatKey.parse(FlatKey.of(key))).isEqualTo(key);
    }
    assertThat(KEYS.stream().map(FlatKey::of).distinct()).hasSameSizeAs(KEYS);
  }

  @Test
  void aNamespacePrefixMatchesThatNamespaceOnly() {
    String prefix = FlatKey.namespacePrefix("pay");
    assertThat(KEYS.stream().filter(key -> FlatKey.of(key).startsWith(prefix)))
        .containsExactly(IdempotencyKey.of("pay", "ments", "k"));
  }
}
