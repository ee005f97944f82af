package io.idem.redis;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real three-master Redis Cluster (no replicas) of redis-server processes on random ports: each
 * master owns a third of the 16384 slots, they meet, and the cluster is returned once every node
 * reports {@code cluster_state:ok}.
 */
final class RedisClusterProcesses implements AutoCloseable {

  private static final int SLOTS = 16384;
  private static final int MASTERS = 3;

  private final List<RedisServerProcess> nodes = new ArrayList<>();

  static RedisClusterProcesses start() {
    RedisClusterProcesses cluster = new RedisClusterProcesses();
    try {
      for (int i = 0; i < MASTERS; i++) {
        int port = RedisServerProcess.freePort();
        cluster.nodes.add(RedisServerProcess.startOn(port, "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "5000"));
      }
      cluster.formCluster();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** A seed URI for a cluster client: any node will do. */
  String uri() {
    return nodes.get(0).uri();
  }

  private void formCluster() {
    RedisClient client = RedisClient.create();
    try {
      List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
      for (RedisServerProcess node : nodes) {
        connections.add(client.connect(io.lettuce.core.RedisURI.create(node.uri())));
      }
      int perNode = SLOTS / MASTERS;
      for (int i = 0; i < MASTERS; i++) {
        int first = i * perNode;
        int last = i == MASTERS - 1 ? SLOTS - 1 : first + perNode - 1;
        RedisCommands<String, String> commands = connections.get(i).sync();
        commands.clusterAddSlotsRange(Range.create(first, last));
        if (i > 0) {
          commands.clusterMeet("127.0.0.1", nodes.get(0).port());
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!connections.stream().allMatch(c -> c.sync().clusterInfo().contains("cluster_state:ok")
          && c.sync().clusterNodes().lines().count() == MASTERS)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cluster did not reach cluster_state:ok: "
              + connections.get(0).sync().clusterInfo());
        }
        Thread.sleep(100);
      }
      connections.forEach(StatefulRedisConnection::close);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      client.shutdown();
    }
  }

  @Override
  public void close() {
    nodes.forEach(RedisServerProcess::stop);
  }
}
