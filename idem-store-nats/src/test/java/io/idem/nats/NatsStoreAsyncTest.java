package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.NatsServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code *Async} methods against a real server: the same records, fences and failures as the
 * blocking calls (which the contract suite covers, and which await these), delivered as stages.
 */
class NatsStoreAsyncTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Fingerprint FINGERPRINT = Fingerprint.of("POST", "/payments", "{\"amount\":100}");

  private static NatsStore store;
  private final String namespace = "async-" + UUID.randomUUID();

  @BeforeAll
  static void open() {
    store = NatsStore.create(NatsServer.sharedUrl());
  }

  @AfterAll
  static void close() {
    store.close();
  }

  @Test
  void reserveExtendCompleteAndReplayWithoutBlocking() throws Exception {
    IdempotencyKey key = IdempotencyKey.of(namespace, "pay-1");
    LeaseToken token = LeaseToken.random();
    byte[] result = "{\"id\":\"pay_1\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(get(store.reserveAsync(key, FINGERPRINT, token, MINUTE))).isEqualTo(Reservation.acquired(token));
    assertThat(get(store.reserveAsync(key, FINGERPRINT, LeaseToken.random(), MINUTE)))
        .isEqualTo(Reservation.found(new StoredRecord.InProgress(FINGERPRINT)));
    assertThat(get(store.extendAsync(key, token, MINUTE))).isTrue();
    assertThat(get(store.completeAsync(key, LeaseToken.random(), result, MINUTE))).as("a foreign token").isFalse();
    assertThat(get(store.completeAsync(key, token, result, MINUTE))).isTrue();

    Reservation replay = get(store.reserveAsync(key, FINGERPRINT, LeaseToken.random(), MINUTE));
    assertThat(replay).isEqualTo(Reservation.found(new StoredRecord.Completed(FINGERPRINT, result)));
    assertThat(get(store.findAsync(key))).isEqualTo(Optional.of(((Reservation.Found) replay).record()));
    assertThat(get(store.releaseAsync(key, token))).as("a completed record is not released").isFalse();
    assertThat(store.find(key)).as("the blocking view agrees").isEqualTo(get(store.findAsync(key)));
  }

  @Test
  void releaseFreesTheKeyForTheNextReserve() throws Exception {
    IdempotencyKey key = IdempotencyKey.of(namespace, "released");
    LeaseToken token = LeaseToken.random();
    assertThat(get(store.reserveAsync(key, FINGERPRINT, token, MINUTE))).isEqualTo(Reservation.acquired(token));
    assertThat(get(store.releaseAsync(key, token))).isTrue();
    assertThat(get(store.findAsync(key))).isEmpty();
    LeaseToken next = LeaseToken.random();
    assertThat(get(store.reserveAsync(key, FINGERPRINT, next, MINUTE))).isEqualTo(Reservation.acquired(next));
    assertThat(get(store.releaseAsync(key, token))).as("the released token holds nothing").isFalse();
  }

  @Test
  void manyReservesInFlightOnOneKeyHaveExactlyOneWinnerEveryRound() throws Exception {
    for (int round = 0; round < 25; round++) {
      IdempotencyKey key = IdempotencyKey.of(namespace, "round-" + round);
      List<LeaseToken> tokens = new ArrayList<>();
      List<CompletableFuture<Reservation>> reservations = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        LeaseToken token = LeaseToken.random();
        tokens.add(token);
        reservations.add(store.reserveAsync(key, FINGERPRINT, token, MINUTE));
      }
      CompletableFuture.allOf(reservations.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
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
  void argumentsThatAreNotAcceptableThrowAtOnceInsteadOfFailingTheStage() {
    IdempotencyKey key = IdempotencyKey.of(namespace, "bad");
    assertThatThrownBy(() -> store.reserveAsync(key, FINGERPRINT, LeaseToken.random(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease must be positive");
    assertThatThrownBy(() -> store.completeAsync(key, LeaseToken.random(), new byte[0], Duration.ofDays(3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max age");
    assertThatThrownBy(() -> store.completeAsync(key, null, new byte[0], MINUTE)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aClosedStoreFailsTheStageWithStoreUnavailable() {
    NatsStore closed = NatsStore.create(NatsServer.sharedUrl());
    closed.close();
    assertThat(failure(closed.findAsync(IdempotencyKey.of(namespace, "closed"))))
        .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
          assertThat(e.operation()).isEqualTo("find");
          assertThat(e).hasMessageContaining("closed");
        });
  }

  static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** What the stage failed with, unwrapped; fails the test when it completed normally. */
  static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the stage completed normally");
  }
}
