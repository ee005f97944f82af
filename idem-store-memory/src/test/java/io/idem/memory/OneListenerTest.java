package io.idem.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.ResultCodec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The engine's one listener hears the memory store's own events; nothing is configured twice. */
class OneListenerTest {

  @Test
  void evictionsReachTheEnginesListenerUntilTheEngineIsClosed() {
    List<IdempotencyKey> evicted = new CopyOnWriteArrayList<>();
    IdempotencyListener listener = new IdempotencyListener() {
      @Override
      public void onRecordEvicted(IdempotencyKey key) {
        evicted.add(key);
      }
    };
    MemoryStore store = MemoryStore.builder().maximumSize(1).build();
    Idempotency engine = Idempotency.create(store, IdempotencyConfig.custom().listener(listener).build());
    IdempotencyKey first = IdempotencyKey.of("ns", "first");
    engine.execute(first, Fingerprint.of("a"), () -> "1", ResultCodec.utf8());
    engine.execute(IdempotencyKey.of("ns", "second"), Fingerprint.of("b"), () -> "2", ResultCodec.utf8());
    assertThat(evicted).containsExactly(first);

    engine.close();
    try (Idempotency other = Idempotency.create(store)) {
      other.execute(IdempotencyKey.of("ns", "third"), Fingerprint.of("c"), () -> "3", ResultCodec.utf8());
    }
    assertThat(evicted).as("a closed engine's listener is unsubscribed").containsExactly(first);
  }
}
