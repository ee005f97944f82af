package io.idem.nats;

import io.idem.testkit.AsyncStoreContract;
import io.idem.testkit.LeaseExtensionContract;
import io.idem.testkit.SharedStoreContract;
import io.idem.testkit.SignallingStoreContract;
import io.idem.testservers.NatsServer;

/** The full store contract against a real standalone nats-server with JetStream (or {@code IDEM_TEST_NATS_URL}). */
class NatsStoreContractTest extends SharedStoreContract
    implements LeaseExtensionContract, AsyncStoreContract, SignallingStoreContract {

  @Override
  protected NatsStore openSharedStore() {
    return NatsStore.create(NatsServer.sharedUrl());
  }

  /** A completion signals its waiters with the stored record: every result the server accepts. */
  @Override
  public int largestResultASignalCarries() {
    return 512 * 1024;
  }
}
