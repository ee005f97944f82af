package io.idem.redis;

import io.idem.testservers.RedisServer;

/** The full store contract against a real standalone Redis 7 (or {@code IDEM_TEST_REDIS_URL}). */
class RedisStoreContractTest extends SharedStoreContract {

  @Override
  RedisStore openSharedStore() {
    return RedisStore.create(RedisServer.sharedUrl());
  }
}
