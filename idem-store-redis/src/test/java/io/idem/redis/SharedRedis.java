package io.idem.redis;

/**
 * The servers the test classes share: one standalone Redis and one three-master Cluster, started
 * once per test JVM and stopped when it exits. {@code IDEM_REDIS_URI} and {@code IDEM_REDIS_CLUSTER_URI}
 * point the suites at external servers instead.
 */
final class SharedRedis {

  private static RedisServerProcess standalone;
  private static RedisClusterProcesses cluster;

  private SharedRedis() {}

  /** A standalone Redis URI: {@code IDEM_REDIS_URI}, or a server this JVM started. */
  static synchronized String standaloneUri() {
    String external = System.getenv("IDEM_REDIS_URI");
    if (external != null && !external.isBlank()) {
      return external;
    }
    if (standalone == null) {
      standalone = RedisServerProcess.start();
      Runtime.getRuntime().addShutdownHook(new Thread(standalone::stop));
    }
    return standalone.uri();
  }

  /** A Cluster seed URI: {@code IDEM_REDIS_CLUSTER_URI}, or a three-master cluster this JVM started. */
  static synchronized String clusterUri() {
    String external = System.getenv("IDEM_REDIS_CLUSTER_URI");
    if (external != null && !external.isBlank()) {
      return external;
    }
    if (cluster == null) {
      cluster = RedisClusterProcesses.start();
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    }
    return cluster.uri();
  }
}
