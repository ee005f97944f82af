package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.StoreUnavailableException;
import io.idem.testservers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The subscriber connection killed under waiting duplicates ({@code CLIENT KILL TYPE pubsub}): they
 * fall back to polling and get their answers, and once the connection is back new waiters are woken
 * by the store again. On a server of its own.
 */
class RedisSubscriberLossTest {

  private static final Fingerprint FP = Fingerprint.of("pay");

  private RedisServer server;
  private RedisStore store;
  private RedisClient observerClient;
  private StatefulRedisConnection<String, String> observer;
  private final List<IdempotencyKey> unavailable = new CopyOnWriteArrayList<>();
  private final IdempotencyListener listener = new IdempotencyListener() {
    @Override
    public void onSignalsUnavailable(IdempotencyKey key, Throwable cause) {
      unavailable.add(key);
    }
  };

  @BeforeEach
  void start() {
    server = RedisServer.start();
    store = RedisStore.create(server.url());
    observerClient = RedisClient.create(server.url());
    observer = observerClient.connect();
  }

  @AfterEach
  void stop() {
    observerClient.shutdown(0, 0, TimeUnit.SECONDS);
    store.close();
    server.close();
  }

  private static IdempotencyConfig waiting(Duration pollInterval, IdempotencyListener listener) {
    return IdempotencyConfig.custom().waitForInProgress(Duration.ofSeconds(40)).inProgressPollInterval(pollInterval)
        .listener(listener).build();
  }

  /** What the server counts: subscriptions it confirmed, not what the store believes. */
  private long subscribers(IdempotencyKey key) {
    String channel = RedisStore.DEFAULT_KEY_PREFIX + key.encoded();
    return observer.sync().pubsubShardNumsub(channel).getOrDefault(channel, 0L);
  }

  private void awaitSubscribers(IdempotencyKey key, long count) {
    Awaitility.await("subscribers of " + key).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
        .until(() -> subscribers(key) == count);
  }

  @Test
  void waitersFallBackToPollingWhenTheSubscriberConnectionIsKilledAndSignalsResumeOnceItIsBack() throws Exception {
    IdempotencyKey first = IdempotencyKey.of("loss", "first");
    try (Idempotency holder = Idempotency.create(store, waiting(Duration.ofMinutes(1), IdempotencyListener.NOOP));
        Idempotency polling = Idempotency.create(store, waiting(Duration.ofMillis(20), listener))) {
      Attempt attempt = ((Admission.Proceed) holder.begin(first, FP)).attempt();
      CompletableFuture<Admission> waiter = polling.beginAsync(first, FP).toCompletableFuture();
      awaitSubscribers(first, 1);

      assertThat(server.command("CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo("1");
      Awaitility.await("fallback reported").atMost(Duration.ofSeconds(30)).until(() -> unavailable.contains(first));
      assertThat(waiter).isNotDone();
      attempt.complete(bytes("paid"));
      assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload()).isEqualTo(bytes("paid"));
    }

    // Back: a waiter that polls once a minute is answered within the test's bounds only by a signal.
    IdempotencyKey second = IdempotencyKey.of("loss", "second");
    Awaitility.await("signals back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .ignoreException(StoreUnavailableException.class)
        .until(() -> {
          store.watch(second).close();
          return true;
        });
    try (Idempotency holder = Idempotency.create(store, waiting(Duration.ofMinutes(1), IdempotencyListener.NOOP));
        Idempotency signalled = Idempotency.create(store, waiting(Duration.ofMinutes(1), listener))) {
      Attempt attempt = ((Admission.Proceed) holder.begin(second, FP)).attempt();
      CompletableFuture<Admission> waiter = signalled.beginAsync(second, FP).toCompletableFuture();
      awaitSubscribers(second, 1);
      attempt.complete(bytes("paid again"));
      assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload()).isEqualTo(bytes("paid again"));
      assertThat(unavailable).doesNotContain(second);
    }
    awaitSubscribers(second, 0);
    // Lettuce re-subscribed the first key on reconnecting; nobody waits on it, so the store cleared it.
    awaitSubscribers(first, 0);
  }

  @Test
  void aKeyNobodyWaitsOnAnyMoreIsUnsubscribed() throws Exception {
    IdempotencyKey key = IdempotencyKey.of("loss", "unsubscribed");
    try (Idempotency engine = Idempotency.create(store, waiting(Duration.ofMinutes(1), listener))) {
      engine.begin(key, FP);
      assertThat(engine.beginAsync(key, FP, Duration.ofMillis(300)).toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isInstanceOf(Admission.InProgress.class);
    }
    awaitSubscribers(key, 0);
    assertThat(unavailable).isEmpty();
  }

  @Test
  void aStoreHandedAConnectionHasNoChannelAndItsWaitersPoll() throws Exception {
    RedisClient client = RedisClient.create(server.url());
    try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
        RedisStore handed = RedisStore.create(connection);
        Idempotency holder = Idempotency.create(handed, waiting(Duration.ofMinutes(1), IdempotencyListener.NOOP));
        Idempotency polling = Idempotency.create(handed, waiting(Duration.ofMillis(20), listener))) {
      IdempotencyKey key = IdempotencyKey.of("loss", "handed");
      assertThatThrownBy(() -> handed.watch(key)).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("handed a connection");
      Attempt attempt = ((Admission.Proceed) holder.begin(key, FP)).attempt();
      CompletableFuture<Admission> waiter = polling.beginAsync(key, FP).toCompletableFuture();
      Awaitility.await("fallback reported").atMost(Duration.ofSeconds(30)).until(() -> unavailable.contains(key));
      attempt.complete(bytes("paid"));
      assertThat(waiter.get(30, TimeUnit.SECONDS)).isInstanceOf(Admission.Replay.class);
    } finally {
      client.shutdown(0, 0, TimeUnit.SECONDS);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
