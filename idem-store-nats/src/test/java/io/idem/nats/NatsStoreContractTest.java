package io.idem.nats;

import io.idem.testservers.NatsServer;

/** The full store contract against a real standalone nats-server with JetStream (or {@code IDEM_TEST_NATS_URL}). */
class NatsStoreContractTest extends SharedStoreContract {

  @Override
  NatsStore openSharedStore() {
    return NatsStore.create(NatsServer.sharedUrl());
  }
}
