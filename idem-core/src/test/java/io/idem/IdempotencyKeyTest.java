package io.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdempotencyKeyTest {

  @Test
  void acceptsEveryVisibleAsciiCharacter() {
    StringBuilder all = new StringBuilder();
    for (char c = '!'; c <= '~'; c++) {
      all.append(c);
    }
    assertThat(IdempotencyKey.of("ns", all.toString()).key()).isEqualTo(all.toString());
  }

  @Test
  void acceptsTheMaximumLength() {
    assertThat(IdempotencyKey.of("ns", "k".repeat(255)).key()).hasSize(255);
  }

  @Test
  void rejectsEmptyKey() {
    assertThatThrownBy(() -> IdempotencyKey.of("ns", "")).isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void rejectsKeyLongerThan255WithItsLength() {
    assertThatThrownBy(() -> IdempotencyKey.of("ns", "k".repeat(256))).isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("256").hasMessageContaining("255");
  }

  @Test
  void rejectsSpaceControlAndNonAsciiCharactersNamingThePosition() {
    assertThatThrownBy(() -> IdempotencyKey.of("ns", "ab c")).isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("U+0020").hasMessageContaining("index 2");
    assertThatThrownBy(() -> IdempotencyKey.of("ns", "a\nb")).isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("U+000A");
    assertThatThrownBy(() -> IdempotencyKey.of("ns", "café")).isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("U+00E9");
  }

  @Test
  void rejectsMissingKeyAndBadNamespaceOrTenant() {
    assertThatThrownBy(() -> IdempotencyKey.of("ns", null)).isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> IdempotencyKey.of("", "k")).isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("namespace");
    assertThatThrownBy(() -> IdempotencyKey.of("ns", "t\u0000", "k")).isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("tenant");
    assertThatThrownBy(() -> IdempotencyKey.of("ns", "t".repeat(256), "k")).isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("tenant");
  }

  @Test
  void encodingIsCollisionFreeWhenPartsHoldTheSeparators() {
    List<IdempotencyKey> keys = List.of(
        IdempotencyKey.of("a", "b", "c"),
        IdempotencyKey.of("a|1:b", "", "c"),
        IdempotencyKey.of("a", "b|c", "d"),
        IdempotencyKey.of("a", "b", "c|d"),
        IdempotencyKey.of("a", "", "1:b|c"),
        IdempotencyKey.of("a", "1:b", "c"),
        IdempotencyKey.of("1:a", "b", "c"),
        IdempotencyKey.of("a:", "b", "c"));
    Set<String> encoded = new HashSet<>();
    for (IdempotencyKey key : keys) {
      encoded.add(key.encoded());
    }
    assertThat(encoded).hasSameSizeAs(keys);
  }

  @Test
  void everyKeyOfANamespaceStartsWithItsPrefixAndNoOtherNamespaceDoes() {
    String prefix = IdempotencyKey.namespacePrefix("orders");
    assertThat(IdempotencyKey.of("orders", "t", "k").encoded()).startsWith(prefix);
    assertThat(IdempotencyKey.of("orders|x", "t", "k").encoded()).doesNotStartWith(prefix);
    assertThat(IdempotencyKey.of("orders2", "t", "k").encoded()).doesNotStartWith(prefix);
    assertThat(IdempotencyKey.of("order", "s|t", "k").encoded()).doesNotStartWith(prefix);
  }

  @Test
  void encodingIsStable() {
    assertThat(IdempotencyKey.of("payments", "alice", "k-1").encoded()).isEqualTo("8:payments|5:alice|k-1");
  }
}
