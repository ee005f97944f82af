package io.idem.memory;

import io.idem.spi.IdempotencyStore;
import io.idem.testkit.IdempotencyStoreContract;
import io.idem.testkit.ManualClock;
import java.time.Duration;

class MemoryStoreContractTest extends IdempotencyStoreContract {

  private final ManualClock clock = new ManualClock();

  @Override
  protected IdempotencyStore createStore() {
    return MemoryStore.builder().clock(clock).build();
  }

  @Override
  protected void elapse(Duration duration) {
    clock.advance(duration);
  }
}
