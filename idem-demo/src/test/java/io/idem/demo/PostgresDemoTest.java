package io.idem.demo;

import io.idem.testservers.PostgresServer;

/**
 * The demo on a real PostgreSQL 15: the test JVM's shared server, or the one
 * {@code IDEM_TEST_POSTGRES_URL} names. The demo creates its table on first start.
 */
class PostgresDemoTest extends SharedStoreDemoContract {

  @Override
  String storeUri() {
    return PostgresServer.sharedUrl();
  }
}
