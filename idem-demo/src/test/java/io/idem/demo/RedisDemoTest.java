package io.idem.demo;

import io.idem.testservers.RedisServer;

/** The demo on a real Redis: the test JVM's shared server, or the one {@code IDEM_TEST_REDIS_URL} names. */
class RedisDemoTest extends SharedStoreDemoContract {

  @Override
  String storeUri() {
    return RedisServer.sharedUrl();
  }
}
