package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.testservers.RedisCluster;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Purge on a Cluster reaches the records on every master, not only the node it is connected to. */
class RedisClusterPurgeTest {

  @Test
  void purgeRemovesTheNamespaceFromEveryMaster() {
    String uri = RedisCluster.sharedUrl();
    String namespace = "cluster-purge-" + UUID.randomUUID();
    RedisClusterClient client = RedisClusterClient.create(uri);
    try (StatefulRedisClusterConnection<String, String> inspect = client.connect();
        RedisStore store = RedisStore.create(client)) {
      int records = 300;
      for (int i = 0; i < records; i++) {
        store.reserve(IdempotencyKey.of(namespace, "k" + i), Fingerprint.of("r"), LeaseToken.random(), Duration.ofMinutes(5));
      }
      String pattern = RedisStore.DEFAULT_KEY_PREFIX + IdempotencyKey.namespacePrefix(namespace) + "*";
      assertThat(inspect.getPartitions()).filteredOn(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM))
          .hasSizeGreaterThanOrEqualTo(3)
          .allSatisfy(node -> assertThat(inspect.getConnection(node.getNodeId()).sync().keys(pattern))
              .as("records on master %s", node.getUri()).isNotEmpty());

      assertThat(store.purge(namespace)).isEqualTo(records);

      assertThat(inspect.getPartitions()).filteredOn(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM))
          .allSatisfy(node -> assertThat(inspect.getConnection(node.getNodeId()).sync().keys(pattern)).isEmpty());
    } finally {
      client.shutdown(0, 0, TimeUnit.SECONDS);
    }
  }
}
