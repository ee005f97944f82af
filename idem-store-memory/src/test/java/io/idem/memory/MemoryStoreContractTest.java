package io.idem.memory;

import io.idem.spi.IdempotencyStore;
import io.idem.testkit.AsyncStoreContract;
import io.idem.testkit.IdempotencyStoreContract;
import io.idem.testkit.LeaseExtensionContract;
import io.idem.testkit.SignallingStoreContract;
import io.idem.testkit.ManualClock;
import java.time.Duration;

class MemoryStoreContractTest extends IdempotencyStoreContract
    implements LeaseExtensionContract, AsyncStoreContract, SignallingStoreContract {

  private final ManualClock clock = new ManualClock();

  @Override
  protected IdempotencyStore createStore() {
    return MemoryStore.builder().clock(clock).build();
  }

  @Override
  public void elapse(Duration duration) {
    clock.advance(duration);
  }

  /** In-process: every completion hands its waiters the record. */
  @Override
  public int largestResultASignalCarries() {
    return Integer.MAX_VALUE;
  }
}
