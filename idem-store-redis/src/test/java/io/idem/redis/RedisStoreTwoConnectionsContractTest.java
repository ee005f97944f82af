package io.idem.redis;

import io.idem.testkit.AsyncStoreContract;
import io.idem.testkit.LeaseExtensionContract;
import io.idem.testkit.SharedStoreContract;
import io.idem.testkit.SignallingStoreContract;
import io.idem.testservers.RedisServer;

/**
 * The full store contract on a store spreading keys over two connections: every command on one key
 * must still meet the others on the same connection, so the races and fences hold as with one.
 */
class RedisStoreTwoConnectionsContractTest extends SharedStoreContract
    implements LeaseExtensionContract, AsyncStoreContract, SignallingStoreContract {

  @Override
  protected RedisStore openSharedStore() {
    return RedisStore.builder(RedisServer.sharedUrl()).connections(2).build();
  }

  @Override
  public int largestResultASignalCarries() {
    return LuaScript.MAX_SIGNALLED_RESULT;
  }
}
