package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.StoredRecord;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Optional durability: WAIT for replicas after complete, against a real master with one replica. */
class RedisStoreReplicationTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static RedisServerProcess master;
  private static RedisServerProcess replica;

  @BeforeAll
  static void startMasterAndReplica() throws InterruptedException {
    master = RedisServerProcess.start();
    replica = RedisServerProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
    RedisClient client = RedisClient.create(master.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!connection.sync().info("replication").contains("connected_slaves:1")
          || !connection.sync().info("replication").contains("state=online")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("replica did not come online: " + connection.sync().info("replication"));
        }
        Thread.sleep(50);
      }
    } finally {
      client.shutdown(0, 0, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopServers() {
    replica.stop();
    master.stop();
  }

  @Test
  void completeReturnsOnceTheReplicaAcknowledged() {
    try (RedisStore store = RedisStore.builder(master.uri()).waitForReplicas(1, Duration.ofSeconds(5)).build()) {
      IdempotencyKey key = IdempotencyKey.of("replication", "acknowledged");
      LeaseToken token = LeaseToken.random();
      store.reserve(key, Fingerprint.of("r"), token, MINUTE);

      assertThat(store.complete(key, token, new byte[] {7}, MINUTE)).isTrue();
      try (RedisStore onReplica = RedisStore.create(replica.uri())) {
        assertThat(onReplica.find(key)).contains(new StoredRecord.Completed(Fingerprint.of("r"), new byte[] {7}));
      }
    }
  }

  @Test
  void completeFailsClearlyWhenFewerReplicasAcknowledgeInTime() {
    try (RedisStore store = RedisStore.builder(master.uri()).waitForReplicas(2, Duration.ofMillis(200)).build()) {
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
