package io.idem.nats;

import io.idem.testkit.AsyncStoreContract;
import io.idem.testkit.LeaseExtensionContract;
import io.idem.testkit.SharedStoreContract;
import io.idem.testkit.SignallingStoreContract;
import io.idem.testservers.NatsCluster;
import java.time.Duration;

/**
 * The full store contract against a real three-node JetStream cluster, on a bucket of three replicas
 * (or the cluster {@code IDEM_TEST_NATS_CLUSTER_URL} names).
 */
class NatsClusterContractTest extends SharedStoreContract
    implements LeaseExtensionContract, AsyncStoreContract, SignallingStoreContract {

  static final Duration CLUSTER_SHORT_LEASE = Duration.ofMillis(1200);
  /** Raft rounds among three processes on a crowded two-core CI machine now and then take seconds. */
  static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(5);

  @Override
  protected NatsStore openSharedStore() {
    return NatsStore.builder(NatsCluster.sharedUrl()).bucket("idem-r3").replicas(3).timeout(CLUSTER_TIMEOUT).build();
  }

  /** Each write is a raft round among three processes on a shared CI machine: leases get room for that. */
  @Override
  public Duration shortLease() {
    return CLUSTER_SHORT_LEASE;
  }

  /** A completion signals its waiters with the stored record: every result the server accepts. */
  @Override
  public int largestResultASignalCarries() {
    return 512 * 1024;
  }
}
