package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.CorruptRecordException;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.testservers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Foreign or damaged values under Idem keys, and invalid arguments: clear exceptions, never a crash. */
class RedisStoreBadInputTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static RedisClient client;
  private static StatefulRedisConnection<byte[], byte[]> connection;
  private static RedisCommands<byte[], byte[]> raw;
  private static RedisStore store;

  private final IdempotencyKey key = IdempotencyKey.of("bad-input-" + UUID.randomUUID(), "k");
  private final String redisKey = RedisStore.DEFAULT_KEY_PREFIX + key.encoded();

  @BeforeAll
  static void connect() {
    client = RedisClient.create(RedisServer.sharedUrl());
    connection = client.connect(ByteArrayCodec.INSTANCE);
    raw = connection.sync();
    store = RedisStore.create(connection);
  }

  @AfterAll
  static void disconnect() {
    store.close();
    connection.close();
    client.shutdown(0, 0, TimeUnit.SECONDS);
  }

  @Test
  void foreignStringUnderAnIdemKeyIsReportedAsCorruptByEveryOperation() {
    raw.set(bytes(redisKey), bytes("hello from another program"));

    assertCorrupt(() -> store.reserve(key, Fingerprint.of("r"), LeaseToken.random(), MINUTE));
    assertCorrupt(() -> store.find(key));
    assertCorrupt(() -> store.complete(key, LeaseToken.random(), new byte[0], MINUTE));
    assertCorrupt(() -> store.release(key, LeaseToken.random()));
    assertCorrupt(() -> store.extend(key, LeaseToken.random(), MINUTE));
    assertThat(raw.get(bytes(redisKey))).as("nothing was overwritten").isEqualTo(bytes("hello from another program"));
  }

  @Test
  void anotherRedisTypeUnderAnIdemKeyIsReportedAsCorrupt() {
    raw.hset(bytes(redisKey), bytes("field"), bytes("value"));

    assertCorrupt(() -> store.reserve(key, Fingerprint.of("r"), LeaseToken.random(), MINUTE));
    assertCorrupt(() -> store.find(key));
    assertCorrupt(() -> store.complete(key, LeaseToken.random(), new byte[0], MINUTE));
  }

  @Test
  void recordOfAFutureFormatVersionIsReportedWithItsVersion() {
    byte[] future = RecordLayout.inProgress(Fingerprint.of("r"), LeaseToken.random());
    future[RecordLayout.MAGIC.length] = 2;
    raw.set(bytes(redisKey), future);

    assertThatThrownBy(() -> store.find(key)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("format version 2");
    assertCorrupt(() -> store.complete(key, LeaseToken.random(), new byte[0], MINUTE));
  }

  @Test
  void truncatedRecordIsReportedAsCorrupt() {
    byte[] whole = RecordLayout.inProgress(Fingerprint.of("r"), LeaseToken.random());
    raw.set(bytes(redisKey), Arrays.copyOf(whole, RecordLayout.HEADER_LENGTH - 1));

    assertCorrupt(() -> store.find(key));
    assertCorrupt(() -> store.release(key, LeaseToken.random()));
  }

  @Test
  void purgeMatchesTheKeyPrefixLiterallyEvenWithGlobCharacters() {
    String namespace = "glob-" + UUID.randomUUID();
    try (RedisStore globbed = RedisStore.builder(connection).keyPrefix("idem*[x]:").build();
        RedisStore plain = RedisStore.builder(connection).keyPrefix("idem-other-x]:").build()) {
      IdempotencyKey k = IdempotencyKey.of(namespace, "k");
      assertThat(globbed.reserve(k, Fingerprint.of("r"), LeaseToken.random(), MINUTE)).isInstanceOf(Reservation.Acquired.class);
      assertThat(plain.reserve(k, Fingerprint.of("r"), LeaseToken.random(), MINUTE))
          .as("another prefix is another keyspace").isInstanceOf(Reservation.Acquired.class);

      assertThat(globbed.purge(namespace)).isEqualTo(1);
      assertThat(plain.find(k)).isPresent();
      assertThat(plain.purge(namespace)).isEqualTo(1);
    }
  }

  @Test
  void nonPositiveDurationsAreRejectedBeforeAnyCommand() {
    assertThatThrownBy(() -> store.reserve(key, Fingerprint.of("r"), LeaseToken.random(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease must be positive");
    assertThatThrownBy(() -> store.complete(key, LeaseToken.random(), new byte[0], Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention must be positive");
  }

  @Test
  void builderRejectsInvalidOptionsNamingTheValue() {
    assertThatThrownBy(() -> RedisStore.builder(connection).commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> RedisStore.builder(connection).waitForReplicas(0, MINUTE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
    assertThatThrownBy(() -> RedisStore.builder(connection).waitForReplicas(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 ms");
    assertThatThrownBy(() -> RedisStore.builder(connection).keyPrefix("idem\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character at index 4");
    assertThatThrownBy(() -> RedisStore.builder("http://localhost:6379"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Redis URI");
  }

  private void assertCorrupt(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(CorruptRecordException.class).hasMessageContaining(redisKey);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
