package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server goes away, freezes or never was: calls fail with the typed exception, and recover. */
class RedisStoreFaultTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private RedisServerProcess server;

  @BeforeEach
  void startServer() {
    server = RedisServerProcess.start();
  }

  @AfterEach
  void stopServer() {
    server.stop();
  }

  @Test
  void stoppedServerFailsCallsWithStoreUnavailableAndRestartedServerServesThemAgain() throws IOException {
    try (RedisStore store = RedisStore.builder(server.uri()).commandTimeout(TIMEOUT).build()) {
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
    try (RedisStore store = RedisStore.builder(server.uri()).commandTimeout(TIMEOUT).build()) {
      IdempotencyKey key = IdempotencyKey.of("faults", "frozen");
      server.signal("STOP");
      try {
        assertThatThrownBy(() -> store.reserve(key, Fingerprint.of("r"), LeaseToken.random(), MINUTE))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("no answer from Redis within");
      } finally {
        server.signal("CONT");
      }
      // A timeout is in doubt: the frozen server still ran the reserve once it thawed. The lease is what
      // frees the key again, so a timed-out attempt can never leave it held for longer than that.
      assertThat(untilAvailable(() -> store.find(key))).contains(new StoredRecord.InProgress(Fingerprint.of("r")));
    }
  }

  @Test
  void handedInConnectionThatQueuesWhileDisconnectedIsStillBoundedByTheStoreTimeout() {
    // A client with Lettuce's default options buffers commands while reconnecting; the store must not wait on it.
    RedisClient client = RedisClient.create(server.uri());
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
    int unused = RedisServerProcess.freePort();
    assertThatThrownBy(() -> RedisStore.builder("redis://127.0.0.1:" + unused).commandTimeout(TIMEOUT).build())
        .isInstanceOfSatisfying(StoreUnavailableException.class,
            e -> assertThat(e.operation()).isEqualTo("connect"));
  }

  /** Retries a call until the reconnected store answers it; fails the test after 20 s. */
  private static <T> T untilAvailable(java.util.function.Supplier<T> call) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return call.get();
      } catch (StoreUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the store did not recover after the server came back", e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new AssertionError(interrupted);
        }
      }
    }
  }
}
