package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyKey;
import io.idem.Outcome;
import io.idem.testservers.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The engine on the Redis store, as an application uses it: work runs once, retries get its result. */
class RedisStoreEngineTest {

  @Test
  void workRunsOnceAndEveryRetryReplaysItsResult() {
    try (RedisStore store = RedisStore.create(RedisServer.sharedUrl())) {
      Idempotency idempotency = Idempotency.create(store);
      IdempotencyKey key = IdempotencyKey.of("engine-" + UUID.randomUUID(), "tenant", "payment-1");
      AtomicInteger runs = new AtomicInteger();

      Outcome<byte[]> first = idempotency.execute(key, Fingerprint.of("POST /payments", "{\"amount\":100}"),
          () -> ("charged #" + runs.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
      Outcome<byte[]> retry = idempotency.execute(key, Fingerprint.of("POST /payments", "{\"amount\":100}"),
          () -> ("charged #" + runs.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
      Outcome<byte[]> reuse = idempotency.execute(key, Fingerprint.of("POST /payments", "{\"amount\":999}"),
          () -> ("charged #" + runs.incrementAndGet()).getBytes(StandardCharsets.UTF_8));

      assertThat(first).isInstanceOf(Outcome.Executed.class);
      assertThat(retry).isInstanceOf(Outcome.Replayed.class);
      assertThat(new String(retry.orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("charged #1");
      assertThat(reuse).as("same key, another request").isInstanceOf(Outcome.Mismatch.class);
      assertThat(runs).hasValue(1);
    }
  }
}
