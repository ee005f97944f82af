package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.IdempotencyKey;
import io.idem.StoreUnavailableException;
import io.idem.testservers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A store closes what it opened and nothing it was handed. */
class RedisStoreOwnershipTest {

  private final String uri = RedisServer.sharedUrl();

  @Test
  void storeFromClientClosesItsConnectionButNotTheClient() {
    RedisClient client = RedisClient.create(uri);
    try {
      RedisStore store = RedisStore.create(client);
      assertThat(store.find(IdempotencyKey.of("ownership", "k"))).isEmpty();
      store.close();
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
      }
    } finally {
      client.shutdown(0, 0, TimeUnit.SECONDS);
    }
  }

  @Test
  void storeFromUriClosesItsOwnClientOnceAndThenRefusesCalls() {
    RedisStore store = RedisStore.create(uri);
    assertThat(store.find(IdempotencyKey.of("ownership", "k"))).isEmpty();
    store.close();
    store.close();
    assertThatThrownBy(() -> store.find(IdempotencyKey.of("ownership", "k")))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void storeFromConnectionLeavesTheConnectionOpen() {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
      RedisStore store = RedisStore.create(connection);
      assertThat(store.find(IdempotencyKey.of("ownership", "k"))).isEmpty();
      store.close();
      assertThat(connection.isOpen()).isTrue();
      assertThat(connection.sync().ping()).isEqualTo("PONG");
    } finally {
      client.shutdown(0, 0, TimeUnit.SECONDS);
    }
  }
}
