package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.StoredRecord;
import io.idem.testservers.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Optional durability: WAIT for replicas after complete, against a real master with one replica. */
class RedisStoreReplicationTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static RedisServer master;
  private static RedisServer replica;

  @BeforeAll
  static void startMasterAndReplica() {
    master = RedisServer.start();
    replica = master.startReplica();
  }

  @AfterAll
  static void stopServers() {
    replica.close();
    master.close();
  }

  @Test
  void completeReturnsOnceTheReplicaAcknowledged() {
    try (RedisStore store = RedisStore.builder(master.url()).waitForReplicas(1, Duration.ofSeconds(5)).build()) {
      IdempotencyKey key = IdempotencyKey.of("replication", "acknowledged");
      LeaseToken token = LeaseToken.random();
      store.reserve(key, Fingerprint.of("r"), token, MINUTE);

      assertThat(store.complete(key, token, new byte[] {7}, MINUTE)).isTrue();
      try (RedisStore onReplica = RedisStore.create(replica.url())) {
        assertThat(onReplica.find(key)).contains(new StoredRecord.Completed(Fingerprint.of("r"), new byte[] {7}));
      }
    }
  }

  @Test
  void completeFailsClearlyWhenFewerReplicasAcknowledgeInTime() {
    try (RedisStore store = RedisStore.builder(master.url()).waitForReplicas(2, Duration.ofMillis(200)).build()) {
      IdempotencyKey key = IdempotencyKey.of("replication", "short");
      LeaseToken token = LeaseToken.random();
      store.reserve(key, Fingerprint.of("r"), token, MINUTE);

      assertThatThrownBy(() -> store.complete(key, token, new byte[] {7}, MINUTE))
          .isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.operation()).isEqualTo("complete"))
          .hasMessageContaining("only 1 of 2 replicas acknowledged");
      assertThat(store.find(key)).as("the master keeps the result")
          .contains(new StoredRecord.Completed(Fingerprint.of("r"), new byte[] {7}));
    }
  }
}
