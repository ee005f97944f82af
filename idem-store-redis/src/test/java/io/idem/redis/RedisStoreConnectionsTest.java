package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.testservers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code connections(n)}: the server sees n connections, closing the store closes them, misuse is refused. */
class RedisStoreConnectionsTest {

  private RedisServer server;
  private RedisClient observer;
  private StatefulRedisConnection<String, String> observed;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    observer = RedisClient.create(server.url());
    observed = observer.connect();
  }

  @AfterEach
  void stop() {
    observer.shutdown(0, 0, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void storeOpensTheConnectionsItWasAskedForUsesThemAllAndClosesThemAll() {
    long before = connectedClients();
    RedisStore store = RedisStore.builder(server.url()).connections(3).build();
    awaitConnectedClients(before + 3);

    // Enough keys that every connection carries some: each reserve then completes on its key's connection.
    for (int i = 0; i < 60; i++) {
      IdempotencyKey key = IdempotencyKey.of("connections", "k" + i);
      LeaseToken token = LeaseToken.random();
      assertThat(store.reserve(key, Fingerprint.of("r"), token, Duration.ofMinutes(1)))
          .isEqualTo(Reservation.acquired(token));
      assertThat(store.complete(key, token, new byte[] {1}, Duration.ofMinutes(1))).isTrue();
    }
    assertThat(observed.sync().clientList().lines().filter(line -> line.contains(" cmd=evalsha ")).count())
        .as("connections whose last command was a complete").isEqualTo(3);

    store.close();
    awaitConnectedClients(before);
  }

  @Test
  void connectionsOutsideOneToSixteenAreRefusedAtOnce() {
    RedisStore.Builder builder = RedisStore.builder(server.url());
    assertThatThrownBy(() -> builder.connections(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1 and 16");
    assertThatThrownBy(() -> builder.connections(17)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHandedInConnectionCannotBeMultiplied() {
    RedisClient client = RedisClient.create(server.url());
    try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
      assertThatThrownBy(() -> RedisStore.builder(connection).connections(2).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("handed");
      assertThat(connection.isOpen()).isTrue();
    } finally {
      client.shutdown(0, 0, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStoreOnTheCallersClientOpensItsConnectionsFromItAndLeavesTheClientUsable() {
    RedisClient client = RedisClient.create(server.url());
    try {
      long before = connectedClients();
      RedisStore store = RedisStore.builder(client).connections(2).build();
      awaitConnectedClients(before + 2);
      store.close();
      awaitConnectedClients(before);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
      }
    } finally {
      client.shutdown(0, 0, TimeUnit.SECONDS);
    }
  }

  private long connectedClients() {
    return observed.sync().clientList().lines().count();
  }

  /** CLIENT LIST is exact when it runs, but the server sees a socket open or close a moment after the client. */
  private void awaitConnectedClients(long expected) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(connectedClients()).isEqualTo(expected));
  }
}
