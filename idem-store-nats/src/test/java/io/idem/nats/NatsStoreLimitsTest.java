package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreCapacityExceededException;
import io.idem.spi.StoredRecord;
import io.idem.testservers.NatsServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the server cannot hold is refused with a type that says so, and changes nothing. */
class NatsStoreLimitsTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Test
  void aResultLargerThanTheServersMaxPayloadIsRefusedAndTheLeaseStays() {
    try (NatsStore store = NatsStore.create(NatsServer.sharedUrl())) {
      IdempotencyKey key = IdempotencyKey.of("limits-" + UUID.randomUUID(), "k");
      LeaseToken token = LeaseToken.random();
      store.reserve(key, Fingerprint.EMPTY, token, MINUTE);

      assertThatThrownBy(() -> store.complete(key, token, new byte[3 * 1024 * 1024], MINUTE))
          .isInstanceOf(StoreCapacityExceededException.class)
          .hasMessageContaining("max_payload");
      assertThat(store.find(key)).contains(new StoredRecord.InProgress(Fingerprint.EMPTY));
      assertThat(store.complete(key, token, new byte[] {1}, MINUTE)).isTrue();
    }
  }
}
