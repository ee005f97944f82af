package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.NatsServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile keys against a real server: each is its own record, and purge takes exactly one namespace. */
class NatsStoreKeysTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static NatsStore store;

  @BeforeAll
  static void open() {
    store = NatsStore.create(NatsServer.sharedUrl());
  }

  @AfterAll
  static void close() {
    store.close();
  }

  @Test
  void hostileKeysAreEachTheirOwnRecord() {
    String run = UUID.randomUUID().toString();
    List<IdempotencyKey> keys = NatsKeysTest.hostileKeys().stream()
        .map(key -> IdempotencyKey.of(key.namespace() + run, key.tenant(), key.key())).toList();
    for (IdempotencyKey key : keys) {
      Fingerprint fingerprint = Fingerprint.of(key.toString());
      LeaseToken token = LeaseToken.random();
      assertThat(store.reserve(key, fingerprint, token, MINUTE)).as("%s", key).isEqualTo(Reservation.acquired(token));
    }
    for (IdempotencyKey key : keys) {
      assertThat(store.find(key)).as("%s", key).contains(new StoredRecord.InProgress(Fingerprint.of(key.toString())));
    }
    for (String part : NatsKeysTest.HOSTILE) {
      if (!part.isEmpty()) {
        assertThat(store.purge(part + run)).as("namespace '%s'", part).isEqualTo(1);
      }
    }
    assertThat(store.purge("ns" + run)).isEqualTo(keys.size() - (NatsKeysTest.HOSTILE.size() - 1));
  }

  @Test
  void theLongestValidKeyIsStored() {
    IdempotencyKey key = IdempotencyKey.of("日".repeat(IdempotencyKey.MAX_NAMESPACE_LENGTH),
        "🙂".repeat(IdempotencyKey.MAX_TENANT_LENGTH / 2) + "日", "%".repeat(IdempotencyKey.MAX_KEY_LENGTH));
    LeaseToken token = LeaseToken.random();
    assertThat(store.reserve(key, Fingerprint.EMPTY, token, MINUTE)).isEqualTo(Reservation.acquired(token));
    assertThat(store.complete(key, token, new byte[] {1, 2, 3}, MINUTE)).isTrue();
    assertThat(store.find(key)).contains(new StoredRecord.Completed(Fingerprint.EMPTY, new byte[] {1, 2, 3}));
    assertThat(store.delete(key)).isTrue();
  }
}
