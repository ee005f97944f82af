package io.idem.storeuri;

import io.idem.nats.NatsStore;
import io.idem.spi.IdempotencyStore;

/** {@code nats://}. A class of its own so that only this scheme needs idem-store-nats. */
final class NatsBackend {

  private NatsBackend() {}

  static IdempotencyStore open(String uri) {
    return NatsStore.create(uri);
  }
}
