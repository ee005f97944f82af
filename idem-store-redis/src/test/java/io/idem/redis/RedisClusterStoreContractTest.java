package io.idem.redis;

import io.idem.testservers.RedisCluster;

/** The full store contract against a real three-master Redis Cluster (or {@code IDEM_TEST_REDIS_CLUSTER_URL}). */
class RedisClusterStoreContractTest extends SharedStoreContract {

  @Override
  RedisStore openSharedStore() {
    return RedisStore.createCluster(RedisCluster.sharedUrl());
  }
}
