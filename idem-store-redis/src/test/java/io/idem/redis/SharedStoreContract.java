package io.idem.redis;

import io.idem.spi.IdempotencyStore;
import io.idem.testkit.AsyncStoreContract;
import io.idem.testkit.IdempotencyStoreContract;
import io.idem.testkit.LeaseExtensionContract;
import io.idem.testkit.SignallingStoreContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The contract on one store per test class: connecting once instead of per test keeps the suites
 * lean, and every contract test works in its own namespace anyway.
 */
abstract class SharedStoreContract extends IdempotencyStoreContract
    implements LeaseExtensionContract, AsyncStoreContract, SignallingStoreContract {

  private static RedisStore shared;

  /** Opens the store the class's tests share. */
  abstract RedisStore openSharedStore();

  @Override
  protected IdempotencyStore createStore() {
    synchronized (SharedStoreContract.class) {
      if (shared == null) {
        shared = openSharedStore();
      }
      return shared;
    }
  }

  @Override
  protected void closeStore(IdempotencyStore store) {
    // closed once, after the class's last test
  }

  @AfterAll
  static void closeShared() {
    synchronized (SharedStoreContract.class) {
      if (shared != null) {
        shared.close();
        shared = null;
      }
    }
  }
}
