package io.idem.storeuri;

import io.idem.memory.MemoryStore;
import io.idem.spi.IdempotencyStore;

/** {@code memory:}. A class of its own so that only this scheme needs idem-store-memory. */
final class MemoryBackend {

  private MemoryBackend() {}

  static IdempotencyStore open() {
    return MemoryStore.builder().maximumSize(1_000_000).build();
  }
}
