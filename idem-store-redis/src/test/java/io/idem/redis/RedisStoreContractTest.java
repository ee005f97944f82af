package io.idem.redis;

/** The full store contract against a real standalone Redis 7 (or {@code IDEM_REDIS_URI}). */
class RedisStoreContractTest extends SharedStoreContract {

  @Override
  RedisStore openSharedStore() {
    return RedisStore.create(SharedRedis.standaloneUri());
  }
}
