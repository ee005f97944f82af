package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.IdempotencyKey;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The key encoding on its own: valid NATS keys, one per Idem key, the namespace first. */
class NatsKeysTest {

  /** What NATS key-value keys may hold: dot-separated, non-empty tokens of these characters. */
  private static final String NATS_KEY = "[-/_=A-Za-z0-9]+(\\.[-/_=A-Za-z0-9]+)*";

  static final List<String> HOSTILE = List.of("", "a", "a.b", "a_2Eb", "a..b", ".", "..", "a/b", "/", ">", "*", "a.>",
      "a.*", "=", "==", "=YQ", "_", "__", "_2E", "-", "a b", "a|1:b", "1:a|", "ä", "Ä", "日本", "🙂", "\uD800",
      "\uDC00", "\uD800\uDC00", "?", "\uFFFD", "%2E", "a=b", "\u00A0");

  static List<IdempotencyKey> hostileKeys() {
    List<IdempotencyKey> keys = new ArrayList<>();
    for (String part : HOSTILE) {
      if (!part.isEmpty()) {
        keys.add(IdempotencyKey.of(part, "t", "k"));
      }
      keys.add(IdempotencyKey.of("ns", part, "k"));
      if (!part.isEmpty() && part.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
        keys.add(IdempotencyKey.of("ns", "t", part));
      }
    }
    return keys;
  }

  @Test
  void hostilePartsBecomeValidKeysOfThreeTokens() {
    for (IdempotencyKey key : hostileKeys()) {
      String natsKey = NatsKeys.of(key);
      assertThat(natsKey).as("%s", key).matches(NATS_KEY);
      assertThat(natsKey.split("\\.", -1)).as("%s", key).hasSize(3);
    }
  }

  @Test
  void everyKeyDecodesBackToItsParts() {
    for (IdempotencyKey key : hostileKeys()) {
      assertThat(decode(NatsKeys.of(key))).isEqualTo(key);
    }
  }

  @Test
  void randomKeysNeverCollide() {
    Random random = new Random(7);
    String alphabet = "aZ09-_=./|:>*%ä日🙂\uD800 ";
    Map<String, IdempotencyKey> seen = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      IdempotencyKey key = IdempotencyKey.of(randomPart(random, alphabet, 1), randomPart(random, alphabet, 0),
          randomPart(random, "aZ09-_=./|:>*%", 1));
      String natsKey = NatsKeys.of(key);
      IdempotencyKey earlier = seen.putIfAbsent(natsKey, key);
      assertThat(earlier == null || earlier.equals(key)).as("%s and %s share %s", earlier, key, natsKey).isTrue();
      assertThat(decode(natsKey)).isEqualTo(key);
    }
  }

  @Test
  void namespaceIsTheFirstTokenSoOneFilterSelectsIt() {
    for (String namespace : List.of("orders", "a.b", ">", "日本")) {
      String filter = NatsKeys.namespaceFilter(namespace);
      assertThat(filter).endsWith(".>");
      String token = filter.substring(0, filter.length() - 2);
      assertThat(NatsKeys.of(IdempotencyKey.of(namespace, "any.tenant", "k"))).startsWith(token + ".");
      assertThat(NatsKeys.of(IdempotencyKey.of(namespace + "x", "t", "k"))).doesNotStartWith(token + ".");
    }
  }

  @Test
  void readablePartsStayReadable() {
    assertThat(NatsKeys.of(IdempotencyKey.of("payments", "alice@example.com", "order-42")))
        .isEqualTo("payments.alice_40example_2Ecom.order-42");
    assertThat(NatsKeys.of(IdempotencyKey.of("payments", "", "k"))).isEqualTo("payments.=.k");
  }

  @Test
  void theLongestKeysStayFarBelowTheServersControlLineLimit() {
    String tenant = "🙂".repeat(IdempotencyKey.MAX_TENANT_LENGTH / 2) + "日";
    String namespace = "日".repeat(IdempotencyKey.MAX_NAMESPACE_LENGTH);
    String key = "%".repeat(IdempotencyKey.MAX_KEY_LENGTH);
    assertThat(NatsKeys.of(IdempotencyKey.of(namespace, tenant, key)).length()).isLessThan(1800);
  }

  private static String randomPart(Random random, String alphabet, int minLength) {
    int[] codePoints = alphabet.codePoints().toArray();
    int length = minLength + random.nextInt(6);
    StringBuilder part = new StringBuilder();
    for (int i = 0; i < length; i++) {
      part.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
    }
    return part.toString();
  }

  /** The inverse of {@link NatsKeys#of}: it exists, so the encoding is one-to-one. */
  static IdempotencyKey decode(String natsKey) {
    String[] tokens = natsKey.split("\\.", -1);
    assertThat(tokens).hasSize(3);
    return IdempotencyKey.of(decodeToken(tokens[0]), decodeToken(tokens[1]), decodeToken(tokens[2]));
  }

  private static String decodeToken(String token) {
    byte[] bytes;
    if (token.startsWith("=")) {
      bytes = Base64.getUrlDecoder().decode(token.substring(1));
    } else {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        if (c == '_') {
          out.write(Integer.parseInt(token.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          out.write(c);
        }
      }
      bytes = out.toByteArray();
    }
    return fromWtf8(bytes);
  }

  private static String fromWtf8(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < bytes.length; ) {
      int b = bytes[i] & 0xff;
      int length = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      int codePoint = length == 1 ? b : b & (0xff >> (length + 1));
      for (int j = 1; j < length; j++) {
        codePoint = (codePoint << 6) | (bytes[i + j] & 0x3f);
      }
      text.appendCodePoint(codePoint);
      i += length;
    }
    return text.toString();
  }
}
