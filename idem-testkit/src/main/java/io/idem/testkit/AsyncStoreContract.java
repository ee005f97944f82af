package io.idem.testkit;

import static io.idem.testkit.StoreFixture.bytes;
import static io.idem.testkit.StoreFixture.fingerprint;
import static org.assertj.core.api.Assertions.assertThat;

import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous face of every primitive gives the same guarantees as the blocking one: the same
 * atomic reserve (one winner among many calls in flight), the same fences, the same records, readable
 * from either face. Every built-in store runs it; a blocking-only store gets it from
 * {@link io.idem.spi.BlockingStore}.
 */
public interface AsyncStoreContract extends StoreFixture {

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  default void asyncReserveCompleteAndFindMatchTheBlockingFace() throws Exception {
    LeaseToken token = LeaseToken.random();
    assertThat(get(store().reserveAsync(key("k"), fingerprint("a"), token, LONG)))
        .isEqualTo(new Reservation.Acquired(token));
    assertThat(store().find(key("k"))).contains(new StoredRecord.InProgress(fingerprint("a")));
    assertThat(get(store().completeAsync(key("k"), LeaseToken.random(), bytes("forged"), LONG))).isFalse();
    assertThat(get(store().completeAsync(key("k"), token, bytes("result"), LONG))).isTrue();
    assertThat(get(store().findAsync(key("k")))).contains(new StoredRecord.Completed(fingerprint("a"), bytes("result")));
    assertThat(get(store().reserveAsync(key("k"), fingerprint("b"), LeaseToken.random(), LONG)))
        .isEqualTo(new Reservation.Found(new StoredRecord.Completed(fingerprint("a"), bytes("result"))));
  }

  @Test
  default void asyncReleaseIsFencedAndFreesTheKey() throws Exception {
    LeaseToken token = acquire(key("k"));
    assertThat(get(store().releaseAsync(key("k"), LeaseToken.random()))).isFalse();
    assertThat(get(store().releaseAsync(key("k"), token))).isTrue();
    assertThat(get(store().findAsync(key("k")))).isEqualTo(Optional.empty());
    assertThat(get(store().releaseAsync(key("k"), token))).as("a second release").isFalse();
  }

  @Test
  default void manyAsyncReservesInFlightOnOneKeyHaveExactlyOneWinner() throws Exception {
    for (int round = 0; round < 20; round++) {
      IdempotencyKey key = key("race-" + round);
      List<CompletableFuture<Reservation>> inFlight = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        inFlight.add(store().reserveAsync(key, fingerprint("same"), LeaseToken.random(), LONG).toCompletableFuture());
      }
      long winners = 0;
      for (CompletableFuture<Reservation> reservation : inFlight) {
        if (reservation.get(30, TimeUnit.SECONDS) instanceof Reservation.Acquired) {
          winners++;
        }
      }
      assertThat(winners).as("winners in round %d", round).isEqualTo(1);
    }
  }

  @Test
  default void asyncCompletionOfAnExpiredLeaseIsRefused() throws Exception {
    LeaseToken stale = acquire(key("k"), fingerprint("a"), shortLease());
    elapsePast(shortLease());
    LeaseToken current = LeaseToken.random();
    assertThat(get(store().reserveAsync(key("k"), fingerprint("a"), current, LONG)))
        .isEqualTo(new Reservation.Acquired(current));
    assertThat(get(store().completeAsync(key("k"), stale, bytes("late"), LONG))).isFalse();
    assertThat(get(store().completeAsync(key("k"), current, bytes("current"), LONG))).isTrue();
  }
}
