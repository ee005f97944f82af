package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.StoreUnavailableException;
import io.idem.testservers.NatsServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Waiters on one store woken by another store's completion (two connections, as two instances have),
 * and a waiter whose connection drops.
 */
class NatsSignalsTest {

  private static final Fingerprint FP = Fingerprint.of("pay");

  private final List<IdempotencyKey> unavailable = new CopyOnWriteArrayList<>();
  private final IdempotencyListener listener = new IdempotencyListener() {
    @Override
    public void onSignalsUnavailable(IdempotencyKey key, Throwable cause) {
      unavailable.add(key);
    }
  };

  private static IdempotencyConfig waiting(Duration pollInterval, IdempotencyListener listener) {
    return IdempotencyConfig.custom().waitForInProgress(Duration.ofSeconds(40)).inProgressPollInterval(pollInterval)
        .listener(listener).build();
  }

  @Test
  void aCompletionThroughAnotherConnectionWakesTheWaiter() throws Exception {
    try (NatsStore one = NatsStore.create(NatsServer.sharedUrl());
        NatsStore other = NatsStore.create(NatsServer.sharedUrl());
        Idempotency holder = Idempotency.create(one, waiting(Duration.ofMinutes(1), IdempotencyListener.NOOP));
        Idempotency signalled = Idempotency.create(other, waiting(Duration.ofMinutes(1), listener))) {
      IdempotencyKey key = IdempotencyKey.of("signals", "other-connection");
      Attempt attempt = ((Admission.Proceed) holder.begin(key, FP)).attempt();
      CompletableFuture<Admission> waiter = signalled.beginAsync(key, FP).toCompletableFuture();
      Awaitility.await("waiting").pollDelay(Duration.ofMillis(200)).until(() -> !waiter.isDone());
      attempt.complete(bytes("paid"));
      assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload()).isEqualTo(bytes("paid"));
      assertThat(unavailable).isEmpty();
    }
  }

  /**
   * The signal channel is the store's own connection: when it drops, the watch fails, and the waiter's
   * next read fails too, so it is answered at once with StoreUnavailableException (a 503), never left
   * hanging. Once the connection is back, waiters are woken by the store again.
   */
  @Test
  void aDroppedConnectionEndsTheWaitWithStoreUnavailableAndSignalsResumeWhenItIsBack() throws Exception {
    try (NatsServer server = NatsServer.start();
        NatsStore store = NatsStore.builder(server.url()).timeout(Duration.ofSeconds(2)).build();
        Idempotency holder = Idempotency.create(store, waiting(Duration.ofMinutes(1), IdempotencyListener.NOOP));
        Idempotency signalled = Idempotency.create(store, waiting(Duration.ofMinutes(1), listener))) {
      IdempotencyKey dropped = IdempotencyKey.of("signals", "dropped");
      holder.begin(dropped, FP);
      CompletableFuture<Admission> waiter = signalled.beginAsync(dropped, FP).toCompletableFuture();
      Awaitility.await("waiting").pollDelay(Duration.ofMillis(200)).until(() -> !waiter.isDone());

      server.kill();
      assertThat(waiter).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(StoreUnavailableException.class);
      assertThat(unavailable).contains(dropped);

      server.restart();
      IdempotencyKey back = IdempotencyKey.of("signals", "back");
      Awaitility.await("the connection is back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .ignoreExceptions().until(() -> {
            store.watch(back).close();
            return true;
          });
      Attempt attempt = ((Admission.Proceed) holder.begin(back, FP)).attempt();
      CompletableFuture<Admission> woken = signalled.beginAsync(back, FP).toCompletableFuture();
      Awaitility.await("waiting").pollDelay(Duration.ofMillis(200)).until(() -> !woken.isDone());
      attempt.complete(bytes("paid"));
      assertThat(((Admission.Replay) woken.get(30, TimeUnit.SECONDS)).payload()).isEqualTo(bytes("paid"));
      assertThat(unavailable).doesNotContain(back);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
