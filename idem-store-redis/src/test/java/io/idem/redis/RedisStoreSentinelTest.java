package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.RedisSentinel;
import io.idem.testservers.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A {@code redis-sentinel://} URI reaches the master the Sentinel names, with every primitive working. */
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
}
