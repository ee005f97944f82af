package io.idem.testservers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * A real three-node NATS cluster with JetStream on random loopback ports, each node a
 * {@link NatsServer} with its own store directory, all routed to each other. It is returned once the
 * JetStream meta group has a leader that sees both other nodes current, so a stream of three replicas
 * can be created at once. Nodes can be killed, frozen and restarted one by one.
 */
public final class NatsCluster implements AutoCloseable {

  /** Comma-separated URLs of an external JetStream cluster ({@code nats://a:4222,nats://b:4222,..}). */
  public static final String URL_VARIABLE = "IDEM_TEST_NATS_CLUSTER_URL";

  private static final int NODES = 3;
  private static final SharedServer<NatsCluster> SHARED =
      new SharedServer<>(URL_VARIABLE, NatsCluster::start, NatsCluster::url);

  private final List<NatsServer> nodes = new ArrayList<>();

  private NatsCluster() {}

  /** {@value #URL_VARIABLE}, or a cluster this JVM started once and stops when it exits. */
  public static String sharedUrl() {
    return SHARED.url();
  }

  /** A cluster of the caller's own; skips the test (fails it in CI) when nats-server is not installed. */
  public static NatsCluster start() {
    NatsServer.requireInstalled();
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      clusterPorts.add(FreePorts.pick());
    }
    NatsCluster cluster = new NatsCluster();
    try {
      for (int i = 0; i < NODES; i++) {
        cluster.nodes.add(NatsServer.startNode("n" + (i + 1), clusterPorts.get(i), clusterPorts));
      }
      cluster.awaitJetStream();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** Every node's URL, comma-separated: what a client that should survive the loss of a node connects to. */
  public String url() {
    return nodes.stream().map(NatsServer::url).collect(Collectors.joining(","));
  }

  public List<NatsServer> nodes() {
    return List.copyOf(nodes);
  }

  /**
   * Waits until the JetStream meta group has a leader that sees both other nodes current: after a
   * start, or after stopped nodes were restarted.
   */
  public void awaitJetStream() {
    Awaitility.await("a JetStream meta leader that sees every node current")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> nodes.stream().anyMatch(NatsCluster::leadsAllNodes));
  }

  /** Whether this node leads the meta group and lists the other nodes as current (only a leader lists them). */
  private static boolean leadsAllNodes(NatsServer node) {
    try {
      String jsz = node.monitor("/jsz");
      return jsz.matches("(?s).*\"leader\":\\s*\"n\\d\".*")
          && jsz.split("\"current\":\\s*true", -1).length - 1 == NODES - 1;
    } catch (RuntimeException down) {
      return false;
    }
  }

  @Override
  public void close() {
    nodes.forEach(NatsServer::close);
  }
}
