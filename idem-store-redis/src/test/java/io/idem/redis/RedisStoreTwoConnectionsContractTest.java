package io.idem.redis;

import io.idem.testservers.RedisServer;

/**
 * The full store contract on a store spreading keys over two connections: every command on one key
 * must still meet the others on the same connection, so the races and fences hold as with one.
 */
class RedisStoreTwoConnectionsContractTest extends SharedStoreContract {

  @Override
  RedisStore openSharedStore() {
    return RedisStore.builder(RedisServer.sharedUrl()).connections(2).build();
  }
}
