package io.idem.testservers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A real three-master Redis Cluster (no replicas) of redis-server processes on random ports: each
 * master owns a third of the 16384 slots, the masters meet, and the cluster is returned once every
 * node reports {@code cluster_state:ok} and knows the others.
 */
public final class RedisCluster implements AutoCloseable {

  /** A seed node of an external Redis Cluster ({@code redis://host:port}) to use instead of starting one. */
  public static final String URL_VARIABLE = "IDEM_TEST_REDIS_CLUSTER_URL";

  private static final int SLOTS = 16384;
  private static final int MASTERS = 3;
  private static final SharedServer<RedisCluster> SHARED =
      new SharedServer<>(URL_VARIABLE, RedisCluster::start, RedisCluster::url);

  private final List<RedisServer> nodes = new ArrayList<>();

  private RedisCluster() {}

  /** {@value #URL_VARIABLE}, or a cluster this JVM started once and stops when it exits. */
  public static String sharedUrl() {
    return SHARED.url();
  }

  /** A cluster of the caller's own. */
  public static RedisCluster start() {
    RedisCluster cluster = new RedisCluster();
    try {
      for (int i = 0; i < MASTERS; i++) {
        int port = FreePorts.pick();
        cluster.nodes.add(RedisServer.startOn(port, "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "5000"));
      }
      cluster.form();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** A seed URL for a cluster client: any node will do. */
  public String url() {
    return nodes.get(0).url();
  }

  public List<RedisServer> nodes() {
    return List.copyOf(nodes);
  }

  @Override
  public void close() {
    nodes.forEach(RedisServer::close);
  }

  private void form() {
    int perNode = SLOTS / MASTERS;
    for (int i = 0; i < MASTERS; i++) {
      int first = i * perNode;
      int last = i == MASTERS - 1 ? SLOTS - 1 : first + perNode - 1;
      RedisServer node = nodes.get(i);
      node.command("CLUSTER", "ADDSLOTSRANGE", Integer.toString(first), Integer.toString(last));
      if (i > 0) {
        node.command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(nodes.get(0).port()));
      }
    }
    Awaitility.await("cluster_state:ok on every node")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> nodes.stream().allMatch(node -> node.command("CLUSTER", "INFO").contains("cluster_state:ok")
            && node.command("CLUSTER", "NODES").lines().count() == MASTERS));
  }
}
