package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.IdempotencyStore;
import io.idem.spi.Reservation;
import io.idem.testkit.AsyncStoreContract;
import io.idem.testkit.IdempotencyStoreContract;
import io.idem.testkit.LeaseExtensionContract;
import io.idem.testservers.NatsCluster;
import io.idem.testservers.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The full contract on a three-replica bucket of a cluster of its own, whose stream leader is killed
 * (SIGKILL) part-way through the suite: the tests after it run on the two nodes left, and pass.
 */
class NatsClusterNodeLossContractTest extends IdempotencyStoreContract
    implements LeaseExtensionContract, AsyncStoreContract {

  private static final String BUCKET = "idem-node-loss";
  /** How many tests run on the whole cluster before the leader dies; the rest run without it. */
  private static final int TESTS_BEFORE_THE_LOSS = 12;

  private static NatsCluster cluster;
  private static NatsStore shared;
  private static final AtomicInteger started = new AtomicInteger();
  private static NatsServer killed;

  @BeforeAll
  static void startCluster() {
    cluster = NatsCluster.start();
    shared = NatsStore.builder(cluster.url()).bucket(BUCKET).replicas(3).timeout(NatsClusterContractTest.CLUSTER_TIMEOUT)
        .build();
  }

  @AfterAll
  static void stopCluster() {
    assertThat(killed).as("the suite ran long enough to lose a node").isNotNull();
    shared.close();
    cluster.close();
  }

  @Override
  protected IdempotencyStore createStore() {
    if (started.incrementAndGet() == TESTS_BEFORE_THE_LOSS + 1) {
      killed = streamLeader();
      killed.kill();
      // The two nodes left elect a new stream leader; until then calls fail, and the test waits that out:
      // until a whole pair succeeds several times in a row.
      AtomicInteger inARow = new AtomicInteger();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
        try {
          IdempotencyKey probe = IdempotencyKey.of("node-loss", LeaseToken.random().hex());
          LeaseToken token = LeaseToken.random();
          boolean pair = shared.reserve(probe, Fingerprint.EMPTY, token, Duration.ofSeconds(10))
              instanceof Reservation.Acquired && shared.complete(probe, token, new byte[0], Duration.ofSeconds(10));
          return pair && inARow.incrementAndGet() >= 10;
        } catch (StoreUnavailableException stillElecting) {
          inARow.set(0);
          return false;
        }
      });
    }
    return shared;
  }

  @Override
  public Duration shortLease() {
    return NatsClusterContractTest.CLUSTER_SHORT_LEASE;
  }

  @Override
  protected void closeStore(IdempotencyStore store) {
    // shared by the class's tests
  }

  /** The node that leads the bucket's stream now, asked of the cluster itself. */
  private static NatsServer streamLeader() {
    try (Connection connection = Nats.connect(cluster.url())) {
      String leader = connection.jetStreamManagement().getStreamInfo("KV_" + BUCKET).getClusterInfo().getLeader();
      return cluster.nodes().get(Integer.parseInt(leader.substring(1)) - 1);
    } catch (Exception e) {
      throw new IllegalStateException("cannot ask the cluster for the stream leader", e);
    }
  }
}
