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
import io.idem.testservers.FreePorts;
import io.idem.testservers.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server goes away, freezes or never was: calls fail with the typed exception, and recover. */
class NatsStoreFaultTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Fingerprint FINGERPRINT = Fingerprint.of("r");

  private NatsServer server;

  @BeforeEach
  void startServer() {
    server = NatsServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void stoppedServerFailsCallsWithStoreUnavailableAndTheRestartedServerServesThemAgain() {
    try (NatsStore store = NatsStore.builder(server.url()).timeout(TIMEOUT).build()) {
      IdempotencyKey key = IdempotencyKey.of("faults", "k");
      LeaseToken token = LeaseToken.random();
      assertThat(store.reserve(key, FINGERPRINT, token, MINUTE)).isEqualTo(Reservation.acquired(token));

      server.stop();

      assertThatThrownBy(() -> store.reserve(key, FINGERPRINT, LeaseToken.random(), MINUTE))
          .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
            assertThat(e.store()).isEqualTo("nats");
            assertThat(e.operation()).isEqualTo("reserve");
          });
      assertThatThrownBy(() -> store.find(key)).isInstanceOf(StoreUnavailableException.class);
      assertThatThrownBy(() -> store.complete(key, token, new byte[] {1}, MINUTE))
          .isInstanceOf(StoreUnavailableException.class);
      assertThatThrownBy(() -> store.purge("faults")).isInstanceOf(StoreUnavailableException.class);

      server.restart();

      // File storage: the in-progress record survived the restart, and its holder still completes it.
      await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
          .until(() -> store.find(key).isPresent());
      assertThat(store.complete(key, token, new byte[] {1}, MINUTE)).isTrue();
      assertThat(store.find(key)).contains(new StoredRecord.Completed(FINGERPRINT, new byte[] {1}));
    }
  }

  @Test
  void killedFileStorageServerKeepsEveryCompletedRecord() {
    List<IdempotencyKey> completed = new ArrayList<>();
    try (NatsStore store = NatsStore.builder(server.url()).timeout(TIMEOUT).build()) {
      for (int i = 0; i < 200; i++) {
        IdempotencyKey key = IdempotencyKey.of("durable", "t", "k-" + i);
        LeaseToken token = LeaseToken.random();
        store.reserve(key, FINGERPRINT, token, MINUTE);
        assertThat(store.complete(key, token, new byte[] {(byte) i}, MINUTE)).isTrue();
        completed.add(key);
      }
      server.kill();
      server.restart();

      await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
          .until(() -> store.find(completed.get(0)).isPresent());
      for (int i = 0; i < completed.size(); i++) {
        assertThat(store.find(completed.get(i))).as("record %d", i)
            .contains(new StoredRecord.Completed(FINGERPRINT, new byte[] {(byte) i}));
      }
    }
  }

  @Test
  void frozenServerFailsCallsWithinTheTimeoutAndServesThemAgainOnceThawed() {
    try (NatsStore store = NatsStore.builder(server.url()).timeout(TIMEOUT).build()) {
      IdempotencyKey key = IdempotencyKey.of("faults", "frozen");
      server.freeze();
      try {
        assertThatThrownBy(() -> store.reserve(key, FINGERPRINT, LeaseToken.random(), MINUTE))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("no answer from NATS within");
        assertThat(NatsStoreAsyncTest.failure(store.findAsync(key))).isInstanceOf(StoreUnavailableException.class);
      } finally {
        server.thaw();
      }
      // A timeout is in doubt: the thawed server may still run the reserve it had received. The lease is
      // what frees the key then, so a timed-out attempt never holds it for longer than that.
      await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
          .until(() -> store.find(key).isPresent());
      LeaseToken token = LeaseToken.random();
      IdempotencyKey after = IdempotencyKey.of("faults", "after-thaw");
      assertThat(store.reserve(after, FINGERPRINT, token, MINUTE)).isEqualTo(Reservation.acquired(token));
    }
  }

  @Test
  void handedInConnectionThatBuffersWhileDisconnectedIsStillBoundedByTheStoreTimeout() throws Exception {
    // jnats' default options buffer publishes while reconnecting; the store must not wait on them.
    Connection connection = Nats.connect(server.url());
    try {
      NatsStore store = NatsStore.builder(connection).timeout(TIMEOUT).build();
      server.stop();
      assertThatThrownBy(() -> store.reserve(IdempotencyKey.of("faults", "queued"), FINGERPRINT, LeaseToken.random(),
          MINUTE)).isInstanceOf(StoreUnavailableException.class);
      assertThatThrownBy(() -> store.find(IdempotencyKey.of("faults", "queued")))
          .isInstanceOf(StoreUnavailableException.class);
      store.close();
      assertThat(connection.getStatus()).as("the store never closes a connection it was handed")
          .isNotEqualTo(Connection.Status.CLOSED);
    } finally {
      connection.close();
    }
  }

  @Test
  void unreachableServerFailsBuildWithStoreUnavailable() {
    String nobody = "nats://127.0.0.1:" + FreePorts.pick();
    assertThatThrownBy(() -> NatsStore.builder(nobody).timeout(TIMEOUT).build())
        .isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.operation()).isEqualTo("connect"));
  }
}
