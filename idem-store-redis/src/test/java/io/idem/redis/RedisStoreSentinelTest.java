package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.RedisSentinel;
import io.idem.testservers.RedisServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A {@code redis-sentinel://} URI reaches the master the Sentinel names, with every primitive and the waiters' signals working. */
class RedisStoreSentinelTest {

  @Test
  void storeFromSentinelUriWorksAgainstTheMonitoredMaster() {
    try (RedisServer master = RedisServer.start();
        RedisSentinel sentinel = RedisSentinel.monitor("idem-master", master);
        RedisStore store = RedisStore.create(sentinel.url());
        RedisStore direct = RedisStore.create(master.url())) {
      IdempotencyKey key = IdempotencyKey.of("sentinel", "k");
      LeaseToken token = LeaseToken.random();

      assertThat(store.reserve(key, Fingerprint.of("r"), token, Duration.ofMinutes(1))).isEqualTo(Reservation.acquired(token));
      assertThat(store.extend(key, token, Duration.ofMinutes(1))).isTrue();
      assertThat(store.complete(key, token, new byte[] {1, 2}, Duration.ofMinutes(1))).isTrue();
      assertThat(direct.find(key)).as("written on the master the Sentinel points to")
          .contains(new StoredRecord.Completed(Fingerprint.of("r"), new byte[] {1, 2}));
    }
  }

  @Test
  void aWaiterOnTheSentinelStoreIsWokenByACompletionOnTheMaster() throws Exception {
    try (RedisServer master = RedisServer.start();
        RedisSentinel sentinel = RedisSentinel.monitor("idem-master", master);
        RedisStore store = RedisStore.create(sentinel.url());
        RedisStore direct = RedisStore.create(master.url());
        Idempotency holder = Idempotency.create(direct, IdempotencyConfig.ofDefaults());
        Idempotency waiting = Idempotency.create(store, IdempotencyConfig.custom()
            .waitForInProgress(Duration.ofSeconds(40)).inProgressPollInterval(Duration.ofMinutes(1)).build())) {
      IdempotencyKey key = IdempotencyKey.of("sentinel", "waited");
      Attempt attempt = ((Admission.Proceed) holder.begin(key, Fingerprint.of("r"))).attempt();
      CompletableFuture<Admission> waiter = waiting.beginAsync(key, Fingerprint.of("r")).toCompletableFuture();
      await().pollDelay(Duration.ofMillis(200)).until(() -> !waiter.isDone());
      attempt.complete(new byte[] {3});
      // Polling once a minute, the waiter is answered within the bound only by the store's signal.
      assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload()).containsExactly(3);
    }
  }
}
