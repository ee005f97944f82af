package io.idem.demo;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.embedded.RedisServer;

/**
 * The demo on a real Redis (the 7.0 server that embedded-redis ships, on a random port), or on the
 * server {@code IDEM_TEST_REDIS_URI} names.
 */
class RedisDemoTest extends SharedStoreDemoContract {

  private static RedisServer redis;
  private static String redisUri;

  @BeforeAll
  static void startRedis() throws IOException {
    String external = System.getenv("IDEM_TEST_REDIS_URI");
    if (external != null && !external.isBlank()) {
      redisUri = external;
      return;
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    redis = new RedisServer(port);
    redis.start();
    redisUri = "redis://127.0.0.1:" + port;
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.stop();
    }
  }

  @Override
  String storeUri() {
    return redisUri;
  }
}
