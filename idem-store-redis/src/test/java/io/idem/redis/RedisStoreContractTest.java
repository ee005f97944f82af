package io.idem.redis;

import io.idem.testkit.AsyncStoreContract;
import io.idem.testkit.LeaseExtensionContract;
import io.idem.testkit.SharedStoreContract;
import io.idem.testkit.SignallingStoreContract;
import io.idem.testservers.RedisServer;

/** The full store contract against a real standalone Redis 7 (or {@code IDEM_TEST_REDIS_URL}). */
class RedisStoreContractTest extends SharedStoreContract
    implements LeaseExtensionContract, AsyncStoreContract, SignallingStoreContract {

  @Override
  protected RedisStore openSharedStore() {
    return RedisStore.create(RedisServer.sharedUrl());
  }

  @Override
  public int largestResultASignalCarries() {
    return LuaScript.MAX_SIGNALLED_RESULT;
  }
}
