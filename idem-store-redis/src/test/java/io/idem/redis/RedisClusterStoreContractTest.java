package io.idem.redis;

import io.idem.testkit.AsyncStoreContract;
import io.idem.testkit.LeaseExtensionContract;
import io.idem.testkit.SharedStoreContract;
import io.idem.testkit.SignallingStoreContract;
import io.idem.testservers.RedisCluster;

/** The full store contract against a real three-master Redis Cluster (or {@code IDEM_TEST_REDIS_CLUSTER_URL}). */
class RedisClusterStoreContractTest extends SharedStoreContract
    implements LeaseExtensionContract, AsyncStoreContract, SignallingStoreContract {

  @Override
  protected RedisStore openSharedStore() {
    return RedisStore.createCluster(RedisCluster.sharedUrl());
  }

  @Override
  public int largestResultASignalCarries() {
    return LuaScript.MAX_SIGNALLED_RESULT;
  }
}
