package io.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FingerprintAndTokenTest {

  @Test
  void sameRequestGivesSameFingerprint() {
    assertThat(Fingerprint.of("POST", "/payments", "{}")).isEqualTo(Fingerprint.of("POST", "/payments", "{}"));
  }

  @Test
  void movingBytesBetweenPartsChangesTheFingerprint() {
    assertThat(Fingerprint.of("ab", "c")).isNotEqualTo(Fingerprint.of("a", "bc"));
  }

  @Test
  void fingerprintIsSha256OfLengthPrefixedParts() {
    // SHA-256 of 00 00 00 03 'a' 'b' 'c'
    assertThat(Fingerprint.of("abc").hex())
        .isEqualTo(Fingerprint.sha256(new byte[] {'a', 'b', 'c'}).hex())
        .hasSize(64);
    assertThat(Fingerprint.fromHex(Fingerprint.of("abc").hex())).isEqualTo(Fingerprint.of("abc"));
  }

  @Test
  void fingerprintFromWrongLengthIsCorrupt() {
    assertThatThrownBy(() -> Fingerprint.fromBytes(new byte[31])).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("31");
  }

  @Test
  void tokensAreUniqueAndRoundTrip() {
    Set<LeaseToken> tokens = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      LeaseToken token = LeaseToken.random();
      assertThat(LeaseToken.fromBytes(token.bytes())).isEqualTo(token);
      assertThat(LeaseToken.fromHex(token.hex())).isEqualTo(token);
      tokens.add(token);
    }
    assertThat(tokens).hasSize(10_000);
  }

  @Test
  void tokenToStringDoesNotRevealTheWholeToken() {
    LeaseToken token = LeaseToken.random();
    assertThat(token.toString()).doesNotContain(token.hex());
  }

  @Test
  void tokensFromThousandsOfShortLivedThreadsShareAFewGenerators() throws Exception {
    java.util.Set<LeaseToken> tokens = java.util.concurrent.ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 2_000; i++) {
      Thread thread = new Thread(() -> tokens.add(LeaseToken.random())); // a thread per request, as with virtual threads
      thread.start();
      thread.join();
    }
    assertThat(tokens).hasSize(2_000);
    assertThat(LeaseToken.sourcesCreated()).as("generators seeded").isLessThanOrEqualTo(64);
  }
}
