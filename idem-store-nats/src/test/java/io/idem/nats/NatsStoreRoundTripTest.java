package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.NatsServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Round trips per operation, counted by the server itself: {@code in_msgs} of its monitoring endpoint
 * counts every message a client sent it, and each store request is one message. On a server of its
 * own, so no other test's traffic is counted.
 */
class NatsStoreRoundTripTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Fingerprint FINGERPRINT = Fingerprint.of("POST", "/payments", "{}");
  private static final byte[] RESULT = "result".getBytes(StandardCharsets.UTF_8);

  private static NatsServer server;
  private static NatsStore store;
  private static NatsStore otherInstance;

  @BeforeAll
  static void start() {
    server = NatsServer.start();
    store = NatsStore.create(server.url());
    otherInstance = NatsStore.create(server.url());
  }

  @AfterAll
  static void stop() {
    otherInstance.close();
    store.close();
    server.close();
  }

  private static <T> long messagesFor(Supplier<T> calls) {
    long before = server.inMsgs();
    calls.get();
    return server.inMsgs() - before;
  }

  @Test
  void newKeyCostsTwoRoundTripsReserveAndComplete() {
    IdempotencyKey key = IdempotencyKey.of("round-trips", "tenant", "new");
    LeaseToken token = LeaseToken.random();

    long messages = messagesFor(() -> {
      assertThat(store.reserve(key, FINGERPRINT, token, MINUTE)).isEqualTo(Reservation.acquired(token));
      assertThat(store.complete(key, token, RESULT, MINUTE)).isTrue();
      return null;
    });

    assertThat(messages).isEqualTo(2);
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

    assertThat(messagesFor(() -> {
      assertThat(store.extend(key, token, MINUTE)).isTrue();
      assertThat(store.release(key, token)).isTrue();
      return null;
    })).isEqualTo(2);
  }

  @Test
  void completeOnAnotherInstanceReadsFirstAndStillFences() {
    IdempotencyKey key = IdempotencyKey.of("round-trips", "tenant", "elsewhere");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, FINGERPRINT, token, MINUTE);

    assertThat(messagesFor(() -> assertThat(otherInstance.complete(key, LeaseToken.random(), RESULT, MINUTE))
        .isFalse())).as("a foreign token: read, refused without a write").isEqualTo(1);
    assertThat(messagesFor(() -> assertThat(otherInstance.complete(key, token, RESULT, MINUTE)).isTrue()))
        .as("the holder's token: read, then compare-and-set").isEqualTo(2);
    assertThat(store.complete(key, token, RESULT, MINUTE)).as("the reserving instance's revision is stale").isFalse();
  }
}
