package io.idem.spring.autoconfigure;

import io.idem.IdempotencyKey;
import io.idem.spi.IdempotencyStore;

/** One read of a key that never exists: whether the store answers, for start-up and the health indicator. */
final class StoreProbe {

  static final IdempotencyKey KEY = IdempotencyKey.of("idem-probe", "health-probe");

  private StoreProbe() {}

  /** Null when the store answered; else what went wrong. */
  static RuntimeException failure(IdempotencyStore store) {
    try {
      store.find(KEY);
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
