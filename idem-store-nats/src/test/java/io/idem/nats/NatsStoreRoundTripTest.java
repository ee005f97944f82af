package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Round trips per operation, counted by the server itself: {@code in_msgs} of its monitoring endpoint
 * counts every message a client sent it, and each store request is one message. A completion or
 * release also publishes one signal for waiting duplicates (decision 0016), a message that expects no
 * answer: a subscriber counts those apart, so a round trip is a message that is not a signal. On a
 * server of its own, so no other test's traffic is counted.
 */
class NatsStoreRoundTripTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Fingerprint FINGERPRINT = Fingerprint.of("POST", "/payments", "{}");
  private static final byte[] RESULT = "result".getBytes(StandardCharsets.UTF_8);

  private static NatsServer server;
  private static NatsStore store;
  private static NatsStore otherInstance;
  private static Connection listener;
  private static final AtomicLong signals = new AtomicLong();

  @BeforeAll
  static void start() throws Exception {
    server = NatsServer.start();
    store = NatsStore.create(server.url());
    otherInstance = NatsStore.create(server.url());
    listener = Nats.connect(server.url());
    listener.createDispatcher(message -> signals.incrementAndGet()).subscribe(NatsSignals.subjectPrefix("idem") + ">");
    listener.flush(Duration.ofSeconds(5));
  }

  @AfterAll
  static void stop() throws Exception {
    listener.close();
    otherInstance.close();
    store.close();
    server.close();
  }

  /** What {@code calls} sent the server: requests (round trips) and signals (fire and forget). */
  private record Sent(long roundTrips, long signals) {}

  private static Sent sent(long expectedSignals, Supplier<?> calls) {
    long before = server.inMsgs();
    long signalsBefore = signals.get();
    calls.get();
    // A signal goes out after the write's acknowledgement: wait until the subscriber has it, so the
    // server has counted it too.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> signals.get() - signalsBefore >= expectedSignals);
    long signalled = signals.get() - signalsBefore;
    return new Sent(server.inMsgs() - before - signalled, signalled);
  }

  private static <T> long messagesFor(Supplier<T> calls) {
    Sent sent = sent(0, calls);
    assertThat(sent.signals()).as("signals").isZero();
    return sent.roundTrips();
  }

  @Test
  void newKeyCostsTwoRoundTripsReserveAndComplete() {
    IdempotencyKey key = IdempotencyKey.of("round-trips", "tenant", "new");
    LeaseToken token = LeaseToken.random();

    Sent sent = sent(1, () -> {
      assertThat(store.reserve(key, FINGERPRINT, token, MINUTE)).isEqualTo(Reservation.acquired(token));
      assertThat(store.complete(key, token, RESULT, MINUTE)).isTrue();
      return null;
    });

    assertThat(sent).isEqualTo(new Sent(2, 1));
  }

  @Test
  void replayCostsTwoRoundTripsByReserveAndOneByFind() {
    IdempotencyKey key = IdempotencyKey.of("round-trips", "tenant", "replay");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, FINGERPRINT, token, MINUTE);
    store.complete(key, token, RESULT, MINUTE);

    assertThat(messagesFor(() -> assertThat(store.reserve(key, FINGERPRINT, LeaseToken.random(), MINUTE))
        .isEqualTo(Reservation.found(new StoredRecord.Completed(FINGERPRINT, RESULT)))))
        .as("refused write, then read").isEqualTo(2);
    assertThat(messagesFor(() -> assertThat(store.find(key)).isPresent())).isEqualTo(1);
  }

  @Test
  void extendAndReleaseCostOneRoundTripEachOnTheReservingInstance() {
    IdempotencyKey key = IdempotencyKey.of("round-trips", "tenant", "release");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, FINGERPRINT, token, MINUTE);

    assertThat(sent(1, () -> {
      assertThat(store.extend(key, token, MINUTE)).isTrue();
      assertThat(store.release(key, token)).isTrue();
      return null;
    })).as("an extend, a release and the release's signal").isEqualTo(new Sent(2, 1));
  }

  @Test
  void completeOnAnotherInstanceReadsFirstAndStillFences() {
    IdempotencyKey key = IdempotencyKey.of("round-trips", "tenant", "elsewhere");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, FINGERPRINT, token, MINUTE);

    assertThat(messagesFor(() -> assertThat(otherInstance.complete(key, LeaseToken.random(), RESULT, MINUTE))
        .isFalse())).as("a foreign token: read, refused without a write").isEqualTo(1);
    assertThat(sent(1, () -> assertThat(otherInstance.complete(key, token, RESULT, MINUTE)).isTrue()))
        .as("the holder's token: read, then compare-and-set, then the signal").isEqualTo(new Sent(2, 1));
    assertThat(store.complete(key, token, RESULT, MINUTE)).as("the reserving instance's revision is stale").isFalse();
  }

  @Test
  void withSignalWaitersOffACompletionSendsOnlyItsRoundTrips() {
    try (NatsStore quiet = NatsStore.builder(server.url()).signalWaiters(false).build()) {
      IdempotencyKey key = IdempotencyKey.of("round-trips", "tenant", "quiet");
      LeaseToken token = LeaseToken.random();
      long messages = messagesFor(() -> {
        assertThat(quiet.reserve(key, FINGERPRINT, token, MINUTE)).isEqualTo(Reservation.acquired(token));
        assertThat(quiet.complete(key, token, RESULT, MINUTE)).isTrue();
        return null;
      });
      assertThat(messages).isEqualTo(2);
    }
  }
}
