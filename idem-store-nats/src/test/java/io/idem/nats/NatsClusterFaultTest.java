package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.NatsCluster;
import io.idem.testservers.NatsServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A three-replica bucket loses its quorum: typed failures within the timeout, then recovery. */
class NatsClusterFaultTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Fingerprint FINGERPRINT = Fingerprint.of("r");

  private NatsCluster cluster;

  @BeforeEach
  void startCluster() {
    cluster = NatsCluster.start();
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  @Test
  void twoNodesLostFailCallsWithStoreUnavailableAndTheirReturnServesThemAgainWithNothingLost() {
    try (NatsStore store = NatsStore.builder(cluster.url()).bucket("idem-quorum").replicas(3).timeout(TIMEOUT).build()) {
      IdempotencyKey done = IdempotencyKey.of("quorum", "done");
      LeaseToken doneToken = LeaseToken.random();
      store.reserve(done, FINGERPRINT, doneToken, MINUTE);
      assertThat(store.complete(done, doneToken, new byte[] {42}, MINUTE)).isTrue();
      IdempotencyKey running = IdempotencyKey.of("quorum", "running");
      LeaseToken runningToken = LeaseToken.random();
      assertThat(store.reserve(running, FINGERPRINT, runningToken, MINUTE)).isEqualTo(Reservation.acquired(runningToken));

      List<NatsServer> lost = cluster.nodes().subList(1, 3);
      lost.forEach(NatsServer::kill);

      IdempotencyKey fresh = IdempotencyKey.of("quorum", "fresh");
      assertThatThrownBy(() -> store.reserve(fresh, FINGERPRINT, LeaseToken.random(), MINUTE))
          .isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.operation()).isEqualTo("reserve"));
      assertThatThrownBy(() -> store.complete(running, runningToken, new byte[] {7}, MINUTE))
          .isInstanceOf(StoreUnavailableException.class);
      assertThatThrownBy(() -> store.reserve(done, FINGERPRINT, LeaseToken.random(), MINUTE))
          .as("a replay needs its write answered first").isInstanceOf(StoreUnavailableException.class);
      assertThat(NatsStoreAsyncTest.failure(store.extendAsync(running, runningToken, MINUTE)))
          .isInstanceOf(StoreUnavailableException.class);

      lost.forEach(NatsServer::restart);

      // The calls that failed are in doubt: the surviving leader may have logged them, and commits them once
      // the others are back. So recovery is judged on keys no failed call touched.
      await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
          .until(() -> store.reserve(IdempotencyKey.of("quorum", LeaseToken.random().hex()), FINGERPRINT,
              LeaseToken.random(), MINUTE) instanceof Reservation.Acquired);
      assertThat(store.find(done)).as("an acknowledged completion survives")
          .contains(new StoredRecord.Completed(FINGERPRINT, new byte[] {42}));
      store.complete(running, runningToken, new byte[] {7}, MINUTE);
      assertThat(store.find(running)).as("the running attempt's completion is stored, once")
          .contains(new StoredRecord.Completed(FINGERPRINT, new byte[] {7}));
    }
  }
}
