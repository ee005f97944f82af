package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.CorruptRecordException;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code *Async} methods against a real Redis: the same records, fences and failures as the
 * blocking calls (which the contract suite covers), delivered as completion stages.
 */
class RedisStoreAsyncTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Fingerprint FINGERPRINT = Fingerprint.of("POST", "/payments", "{\"amount\":100}");

  private RedisServer server;
  private RedisStore store;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    store = RedisStore.builder(server.url()).commandTimeout(TIMEOUT).build();
  }

  @AfterEach
  void stop() {
    store.close();
    server.close();
  }

  @Test
  void reserveCompleteAndReplayWithoutBlocking() throws Exception {
    IdempotencyKey key = IdempotencyKey.of("async", "pay-1");
    LeaseToken token = LeaseToken.random();
    byte[] result = "{\"id\":\"pay_1\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(get(store.reserveAsync(key, FINGERPRINT, token, MINUTE))).isEqualTo(Reservation.acquired(token));
    assertThat(get(store.reserveAsync(key, FINGERPRINT, LeaseToken.random(), MINUTE)))
        .isEqualTo(Reservation.found(new StoredRecord.InProgress(FINGERPRINT)));
    assertThat(get(store.extendAsync(key, token, MINUTE))).isTrue();
    assertThat(get(store.completeAsync(key, LeaseToken.random(), result, MINUTE))).as("a foreign token").isFalse();
    assertThat(get(store.completeAsync(key, token, result, MINUTE))).isTrue();

    Reservation replay = get(store.reserveAsync(key, FINGERPRINT, LeaseToken.random(), MINUTE));
    assertThat(replay).isInstanceOfSatisfying(Reservation.Found.class, found ->
        assertThat(found.record()).isInstanceOfSatisfying(StoredRecord.Completed.class, completed ->
            assertThat(completed.result()).isEqualTo(result)));
    assertThat(get(store.findAsync(key))).isEqualTo(Optional.of(((Reservation.Found) replay).record()));
    assertThat(get(store.releaseAsync(key, token))).as("a completed record is not released").isFalse();
    assertThat(store.find(key)).as("the blocking view agrees").isEqualTo(get(store.findAsync(key)));
  }

  @Test
  void releaseFreesTheKeyForTheNextReserve() throws Exception {
    IdempotencyKey key = IdempotencyKey.of("async", "released");
    LeaseToken token = LeaseToken.random();
    assertThat(get(store.reserveAsync(key, FINGERPRINT, token, MINUTE))).isEqualTo(Reservation.acquired(token));
    assertThat(get(store.releaseAsync(key, token))).isTrue();
    assertThat(get(store.findAsync(key))).isEmpty();
    LeaseToken next = LeaseToken.random();
    assertThat(get(store.reserveAsync(key, FINGERPRINT, next, MINUTE))).isEqualTo(Reservation.acquired(next));
  }

  @Test
  void manyReservesInFlightOnOneKeyHaveExactlyOneWinnerEveryRound() throws Exception {
    for (int round = 0; round < 25; round++) {
      IdempotencyKey key = IdempotencyKey.of("async-race", "round-" + round);
      List<LeaseToken> tokens = new ArrayList<>();
      List<CompletableFuture<Reservation>> reservations = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        LeaseToken token = LeaseToken.random();
        tokens.add(token);
        reservations.add(store.reserveAsync(key, FINGERPRINT, token, MINUTE).toCompletableFuture());
      }
      CompletableFuture.allOf(reservations.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      int winners = 0;
      for (int i = 0; i < reservations.size(); i++) {
        Reservation reservation = reservations.get(i).get();
        if (reservation instanceof Reservation.Acquired acquired) {
          winners++;
          assertThat(acquired.token()).isEqualTo(tokens.get(i));
        } else {
          assertThat(reservation).isEqualTo(Reservation.found(new StoredRecord.InProgress(FINGERPRINT)));
        }
      }
      assertThat(winners).as("winners in round %d", round).isEqualTo(1);
    }
  }

  @Test
  void foreignBytesUnderAKeyFailTheStageWithCorruptRecord() {
    IdempotencyKey key = IdempotencyKey.of("async", "foreign");
    raw().set(("idem:" + key.encoded()).getBytes(StandardCharsets.UTF_8), "hello".getBytes(StandardCharsets.UTF_8));

    assertFailsWith(store.reserveAsync(key, FINGERPRINT, LeaseToken.random(), MINUTE), CorruptRecordException.class);
    assertFailsWith(store.findAsync(key), CorruptRecordException.class);
    assertFailsWith(store.completeAsync(key, LeaseToken.random(), new byte[] {1}, MINUTE),
        CorruptRecordException.class);
  }

  @Test
  void aServerThatForgotTheScriptsStillCompletes() throws Exception {
    IdempotencyKey key = IdempotencyKey.of("async", "noscript");
    LeaseToken token = LeaseToken.random();
    assertThat(get(store.reserveAsync(key, FINGERPRINT, token, MINUTE))).isEqualTo(Reservation.acquired(token));
    raw().scriptFlush();
    assertThat(get(store.completeAsync(key, token, new byte[] {7}, MINUTE))).isTrue();
    assertThat(get(store.findAsync(key))).contains(new StoredRecord.Completed(FINGERPRINT, new byte[] {7}));
  }

  @Test
  void frozenServerFailsTheStageWithinTheTimeoutAndStoppedServerAtOnce() {
    // A handed-in connection with Lettuce's default options: only the store's own bound applies.
    RedisClient client = RedisClient.create(server.url());
    try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
      RedisStore onConnection = RedisStore.builder(connection).commandTimeout(TIMEOUT).build();
      IdempotencyKey key = IdempotencyKey.of("async", "frozen");
      server.freeze();
      try {
        assertThat(assertFailsWith(onConnection.reserveAsync(key, FINGERPRINT, LeaseToken.random(), MINUTE),
            StoreUnavailableException.class))
            .hasMessageContaining("no answer from Redis within")
            .satisfies(e -> assertThat(e.operation()).isEqualTo("reserve"));
        assertFailsWith(onConnection.completeAsync(key, LeaseToken.random(), new byte[0], MINUTE),
            StoreUnavailableException.class);
      } finally {
        server.thaw();
      }
      server.stop();
      assertFailsWith(store.reserveAsync(key, FINGERPRINT, LeaseToken.random(), MINUTE),
          StoreUnavailableException.class);
      assertFailsWith(store.findAsync(key), StoreUnavailableException.class);
      onConnection.close();
    } finally {
      client.shutdown(0, 0, TimeUnit.SECONDS);
    }
  }

  @Test
  void badArgumentsThrowAtOnceInsteadOfFailingTheStage() {
    IdempotencyKey key = IdempotencyKey.of("async", "misuse");
    assertThatThrownBy(() -> store.reserveAsync(key, FINGERPRINT, null, MINUTE))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("token");
    assertThatThrownBy(() -> store.reserveAsync(key, FINGERPRINT, LeaseToken.random(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
    assertThatThrownBy(() -> store.completeAsync(key, LeaseToken.random(), null, MINUTE))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("result");
  }

  private RedisCommands<byte[], byte[]> raw() {
    RedisClient client = RedisClient.create(server.url());
    StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
    rawClients.add(client);
    return connection.sync();
  }

  private final List<RedisClient> rawClients = new ArrayList<>();

  @AfterEach
  void closeRawClients() {
    rawClients.forEach(client -> client.shutdown(0, 0, TimeUnit.SECONDS));
  }

  /** The stage's value; a stage that hangs fails the test instead of the build. */
  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <E extends Throwable> E assertFailsWith(CompletionStage<?> stage, Class<E> type) {
    try {
      Object value = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected " + type.getSimpleName() + ", the stage answered " + value);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(type);
      return type.cast(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("the stage did not fail with " + type.getSimpleName() + " in time", e);
    }
  }
}
