package io.idem.redis;

/** The full store contract against a real three-master Redis Cluster (or {@code IDEM_REDIS_CLUSTER_URI}). */
class RedisClusterStoreContractTest extends SharedStoreContract {

  @Override
  RedisStore openSharedStore() {
    return RedisStore.createCluster(SharedRedis.clusterUri());
  }
}
