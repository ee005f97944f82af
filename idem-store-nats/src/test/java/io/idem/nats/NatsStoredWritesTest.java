package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.LeaseToken;
import io.idem.testkit.CountingReserves;
import io.idem.testservers.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Waiters hear only changes the server stored (decision 0016): the completing instance signals after
 * the server acknowledged its write, with the record, so the waiter reads nothing after it; a write
 * JetStream refuses, which core NATS still delivers on the KV subject, wakes nobody; a delete, which
 * purges through the stream API, signals too.
 */
class NatsStoredWritesTest {

  private static final Fingerprint FP = Fingerprint.of("pay");

  private final CountingReserves reserves = new CountingReserves();

  /** Waiting on, polling once a minute: an answer within the test can only come from a signal. */
  private static IdempotencyConfig waiting(IdempotencyListener listener) {
    return IdempotencyConfig.custom().waitForInProgress(Duration.ofSeconds(40))
        .inProgressPollInterval(Duration.ofMinutes(1)).listener(listener).build();
  }

  private static String bucketName() {
    return "stored-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aWriteJetStreamRefusesWakesNobodyAndTheStoredCompletionAnswersWithoutARead() throws Exception {
    String bucket = bucketName();
    try (NatsStore one = NatsStore.builder(NatsServer.sharedUrl()).bucket(bucket).build();
        NatsStore other = NatsStore.builder(NatsServer.sharedUrl()).bucket(bucket).build();
        Idempotency holder = Idempotency.create(one, waiting(IdempotencyListener.NOOP));
        Idempotency signalled = Idempotency.create(other, waiting(reserves));
        Connection raw = Nats.connect(NatsServer.sharedUrl())) {
      IdempotencyKey key = IdempotencyKey.of("stored", "k");
      Attempt attempt = ((Admission.Proceed) holder.begin(key, FP)).attempt();
      CompletableFuture<Admission> waiter = signalled.beginAsync(key, FP).toCompletableFuture();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reserves.count() >= 2);

      // A completed record on the key's KV subject, expecting a revision the key does not have.
      Headers expecting = new Headers().add("Nats-Expected-Last-Subject-Sequence", "999999999");
      raw.publish(NatsMessage.builder().subject("$KV." + bucket + "." + NatsKeys.of(key))
          .headers(expecting).data(RecordLayout.completed(LeaseToken.random(), FP, 60_000, bytes("refused")))
          .build());
      raw.flush(Duration.ofSeconds(5));
      Thread.sleep(300); // room for a wrong wake-up to happen
      assertThat(waiter).isNotDone();
      assertThat(reserves.count()).as("no wake-up, so no read").isEqualTo(2);
      assertThat(one.find(key)).get().isInstanceOf(io.idem.spi.StoredRecord.InProgress.class);

      attempt.complete(bytes("paid"));
      assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload()).isEqualTo(bytes("paid"));
      assertThat(reserves.count()).as("the stored completion carried the record").isEqualTo(2);
    }
  }

  @Test
  void aDeleteWakesTheWaitersWhoThenTakeTheKey() throws Exception {
    String bucket = bucketName();
    try (NatsStore one = NatsStore.builder(NatsServer.sharedUrl()).bucket(bucket).build();
        NatsStore other = NatsStore.builder(NatsServer.sharedUrl()).bucket(bucket).build();
        Idempotency holder = Idempotency.create(one, waiting(IdempotencyListener.NOOP));
        Idempotency signalled = Idempotency.create(other, waiting(reserves))) {
      IdempotencyKey key = IdempotencyKey.of("stored", "deleted");
      holder.begin(key, FP);
      CompletableFuture<Admission> waiter = signalled.beginAsync(key, FP).toCompletableFuture();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reserves.count() >= 2);
      assertThat(one.delete(key)).isTrue();
      Admission answer = waiter.get(30, TimeUnit.SECONDS);
      assertThat(answer).isInstanceOf(Admission.Proceed.class);
      assertThat(reserves.count()).as("woken by the delete's signal, then a read that took the key").isEqualTo(3);
      ((Admission.Proceed) answer).attempt().complete(bytes("second"));
    }
  }

  @Test
  void withSignalWaitersOffCompletionsPublishNothingAndWaitersPoll() throws Exception {
    String bucket = bucketName();
    try (Connection raw = Nats.connect(NatsServer.sharedUrl())) {
      io.nats.client.Subscription heard = raw.subscribe(NatsSignals.subjectPrefix(bucket) + ">");
      raw.flush(Duration.ofSeconds(5));
      for (boolean signal : new boolean[] {true, false}) {
        try (NatsStore store = NatsStore.builder(NatsServer.sharedUrl()).bucket(bucket).signalWaiters(signal).build();
            Idempotency engine = Idempotency.create(store, IdempotencyConfig.custom()
                .waitForInProgress(Duration.ofSeconds(30)).inProgressPollInterval(Duration.ofMillis(20)).build())) {
          IdempotencyKey key = IdempotencyKey.of("stored", "signal-" + signal);
          Attempt attempt = ((Admission.Proceed) engine.begin(key, FP)).attempt();
          CompletableFuture<Admission> waiter = engine.beginAsync(key, FP).toCompletableFuture();
          Thread.sleep(100);
          attempt.complete(bytes("paid"));
          assertThat(((Admission.Replay) waiter.get(30, TimeUnit.SECONDS)).payload()).isEqualTo(bytes("paid"));
          io.nats.client.Message message = heard.nextMessage(Duration.ofMillis(signal ? 5_000 : 500));
          if (signal) {
            assertThat(message).as("the completion's signal").isNotNull();
            assertThat(message.getSubject()).endsWith(NatsKeys.of(key));
          } else {
            assertThat(message).as("no signal with signalWaiters(false)").isNull();
          }
        }
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
