package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.CorruptRecordException;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.testservers.NatsServer;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Foreign or damaged bytes under a key are never taken for "absent": every call names the key. */
class NatsStoreCorruptRecordTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static Connection connection;
  private static NatsStore store;
  private static KeyValue raw;

  @BeforeAll
  static void open() throws Exception {
    connection = Nats.connect(NatsServer.sharedUrl());
    store = NatsStore.create(connection);
    raw = connection.keyValue(store.bucket());
  }

  @AfterAll
  static void close() throws InterruptedException {
    store.close();
    connection.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello", "{\"json\":true}", "", "IDEM", "truncated", "future-version", "bad-state"})
  void everyCallOnForeignBytesThrowsCorruptRecordNamingTheKey(String kind) throws Exception {
    IdempotencyKey key = IdempotencyKey.of("corrupt-" + UUID.randomUUID(), "t", "k");
    String natsKey = NatsKeys.of(key);
    raw.put(natsKey, bytes(kind));

    assertThatThrownBy(() -> store.reserve(key, Fingerprint.EMPTY, LeaseToken.random(), MINUTE))
        .isInstanceOf(CorruptRecordException.class).hasMessageContaining(natsKey);
    assertThatThrownBy(() -> store.find(key)).isInstanceOf(CorruptRecordException.class);
    assertThatThrownBy(() -> store.complete(key, LeaseToken.random(), new byte[0], MINUTE))
        .isInstanceOf(CorruptRecordException.class);
    assertThatThrownBy(() -> store.release(key, LeaseToken.random())).isInstanceOf(CorruptRecordException.class);
    assertThatThrownBy(() -> store.extend(key, LeaseToken.random(), MINUTE)).isInstanceOf(CorruptRecordException.class);
    assertThat(NatsStoreAsyncTest.failure(store.findAsync(key))).isInstanceOf(CorruptRecordException.class);

    assertThat(store.delete(key)).as("delete is the way out").isTrue();
    LeaseToken token = LeaseToken.random();
    assertThat(store.reserve(key, Fingerprint.EMPTY, token, MINUTE)).isEqualTo(Reservation.acquired(token));
  }

  @Test
  void aRecordWrittenByThisStoreReadsBack() {
    IdempotencyKey key = IdempotencyKey.of("corrupt-" + UUID.randomUUID(), "t", "k");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, Fingerprint.EMPTY, token, MINUTE);
    assertThat(store.complete(key, token, "ok".getBytes(StandardCharsets.UTF_8), MINUTE)).isTrue();
  }

  private static byte[] bytes(String kind) {
    byte[] valid = RecordLayout.completed(LeaseToken.random(), Fingerprint.EMPTY, 60_000, new byte[] {1});
    switch (kind) {
      case "truncated":
        return Arrays.copyOf(valid, RecordLayout.HEADER_LENGTH - 1);
      case "future-version":
        valid[4] = 2;
        return valid;
      case "bad-state":
        valid[5] = 'X';
        return valid;
      default:
        return kind.getBytes(StandardCharsets.UTF_8);
    }
  }
}
