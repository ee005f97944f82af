package io.idem.testkit;

import io.idem.spi.IdempotencyStore;
import org.junit.jupiter.api.AfterAll;

/**
 * {@link IdempotencyStoreContract} on one store per test class, for stores that are slow to open (a
 * network client, a connection pool): the class's tests share it, and it is closed after the last one.
 * Every contract test works in its own namespace, so sharing cannot make tests see each other's keys.
 * A store with optional capabilities adds their contracts ({@link LeaseExtensionContract},
 * {@link AsyncStoreContract}, {@link SignallingStoreContract}) to its subclass.
 */
public abstract class SharedStoreContract extends IdempotencyStoreContract {

  // Test classes run one after another in a JVM, and each closes the store at its end.
  private static IdempotencyStore shared;

  /** Opens the store the class's tests share; called once per test class. */
  protected abstract IdempotencyStore openSharedStore();

  @Override
  protected final IdempotencyStore createStore() {
    synchronized (SharedStoreContract.class) {
      if (shared == null) {
        shared = openSharedStore();
      }
      return shared;
    }
  }

  @Override
  protected final void closeStore(IdempotencyStore store) {
    // closed once, after the class's last test
  }

  @AfterAll
  static void closeShared() throws Exception {
    synchronized (SharedStoreContract.class) {
      if (shared != null) {
        try {
          shared.close();
        } finally {
          shared = null;
        }
      }
    }
  }
}
