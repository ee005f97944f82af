package io.idem.redis;

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
import io.idem.testservers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server goes away, freezes or never was: calls fail with the typed exception, and recover. */
class RedisStoreFaultTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private RedisServer server;

  @BeforeEach
  void startServer() {
    server = RedisServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void stoppedServerFailsCallsWithStoreUnavailableAndRestartedServerServesThemAgain() {
    try (RedisStore store = RedisStore.builder(server.url()).commandTimeout(TIMEOUT).build()) {
      IdempotencyKey key = IdempotencyKey.of("faults", "k");
      assertThat(store.reserve(key, Fingerprint.of("r"), LeaseToken.random(), MINUTE))
          .isInstanceOf(Reservation.Acquired.class);

      server.stop();

      assertThatThrownBy(() -> store.reserve(key, Fingerprint.of("r"), LeaseToken.random(), MINUTE))
          .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
            assertThat(e.store()).isEqualTo("redis");
            assertThat(e.operation()).isEqualTo("reserve");
          });
      assertThatThrownBy(() -> store.find(key)).isInstanceOf(StoreUnavailableException.class);
      assertThatThrownBy(() -> store.complete(key, LeaseToken.random(), new byte[0], MINUTE))
          .isInstanceOf(StoreUnavailableException.class);

      server.restart();

      // The restarted server kept nothing (no persistence), so the key is free again.
      LeaseToken token = LeaseToken.random();
      assertThat(untilAvailable(() -> store.reserve(key, Fingerprint.of("r"), token, MINUTE)))
          .isEqualTo(Reservation.acquired(token));
      assertThat(store.complete(key, token, new byte[] {1}, MINUTE)).isTrue();
    }
  }

  @Test
  void frozenServerFailsCallsWithStoreUnavailableInsteadOfHanging() {
    try (RedisStore store = RedisStore.builder(server.url()).commandTimeout(TIMEOUT).build()) {
      IdempotencyKey key = IdempotencyKey.of("faults", "frozen");
      server.freeze();
      try {
        assertThatThrownBy(() -> store.reserve(key, Fingerprint.of("r"), LeaseToken.random(), MINUTE))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("no answer from Redis within");
      } finally {
        server.thaw();
      }
      // A timeout is in doubt: the frozen server still ran the reserve once it thawed. The lease is what
      // frees the key again, so a timed-out attempt can never leave it held for longer than that.
      assertThat(untilAvailable(() -> store.find(key))).contains(new StoredRecord.InProgress(Fingerprint.of("r")));
    }
  }

  @Test
  void handedInConnectionThatQueuesWhileDisconnectedIsStillBoundedByTheStoreTimeout() {
    // A client with Lettuce's default options buffers commands while reconnecting; the store must not wait on it.
    RedisClient client = RedisClient.create(server.url());
    try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
      RedisStore store = RedisStore.builder(connection).commandTimeout(TIMEOUT).build();
      server.stop();

      assertThatThrownBy(() -> store.find(IdempotencyKey.of("faults", "queued")))
          .isInstanceOf(StoreUnavailableException.class);
      store.close();
    } finally {
      client.shutdown(0, 0, TimeUnit.SECONDS);
    }
  }

  @Test
  void unreachableServerFailsBuildWithStoreUnavailable() {
    int unused = FreePorts.pick();
    assertThatThrownBy(() -> RedisStore.builder("redis://127.0.0.1:" + unused).commandTimeout(TIMEOUT).build())
        .isInstanceOfSatisfying(StoreUnavailableException.class,
            e -> assertThat(e.operation()).isEqualTo("connect"));
  }

  /** Retries a call until the reconnected store answers it instead of failing with StoreUnavailable. */
  private static <T> T untilAvailable(Callable<T> call) {
    return await("the store answering after the server came back").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .ignoreException(StoreUnavailableException.class)
        .until(call, Objects::nonNull);
  }
}
