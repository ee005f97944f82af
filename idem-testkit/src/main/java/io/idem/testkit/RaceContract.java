package io.idem.testkit;

import static io.idem.testkit.StoreFixture.bytes;
import static io.idem.testkit.StoreFixture.fingerprint;
import static org.assertj.core.api.Assertions.assertThat;

import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The races every store must win: many threads reserving one key (exactly one winner, every round),
 * many keys at once, and a completion racing a takeover. Part of {@link IdempotencyStoreContract}.
 */
public interface RaceContract extends StoreFixture {

  /** Threads racing for one key. The contract requires at least 16. */
  default int raceThreads() {
    return 16;
  }

  /** Rounds of the one-key race. The contract requires at least 200. */
  default int raceRounds() {
    return 200;
  }


  @Test
  default void exactlyOneOfManyThreadsReservesOneKeyEveryRound() throws Exception {
    int threads = raceThreads();
    assertThat(threads).as("the contract races at least 16 threads").isGreaterThanOrEqualTo(16);
    assertThat(raceRounds()).as("the contract races at least 200 rounds").isGreaterThanOrEqualTo(200);
    try (RaceTester race = new RaceTester(threads)) {
      for (int round = 0; round < raceRounds(); round++) {
        IdempotencyKey key = key("race-" + round);
        List<Reservation> results = race.race(i -> () ->
            store().reserve(key, fingerprint("same"), LeaseToken.random(), LONG));
        long winners = results.stream().filter(r -> r instanceof Reservation.Acquired).count();
        assertThat(winners).as("winners in round %d", round).isEqualTo(1);
        assertThat(results).filteredOn(r -> r instanceof Reservation.Found)
            .allSatisfy(r -> assertThat(((Reservation.Found) r).record())
                .isEqualTo(new StoredRecord.InProgress(fingerprint("same"))));
      }
    }
  }

  @Test
  default void manyDistinctKeysReservedConcurrentlyAllSucceed() throws Exception {
    int perThread = 50;
    try (RaceTester race = new RaceTester(raceThreads())) {
      List<Integer> acquired = race.race(thread -> () -> {
        int count = 0;
        for (int i = 0; i < perThread; i++) {
          IdempotencyKey key = key("distinct-" + thread + "-" + i);
          if (store().reserve(key, fingerprint("r"), LeaseToken.random(), LONG) instanceof Reservation.Acquired) {
            count++;
          }
        }
        return count;
      });
      assertThat(acquired).containsOnly(perThread);
    }
  }

  @Test
  default void completionRacingTakeoverHasOneWinner() throws Exception {
    // The holder completes at the moment its lease expires while others take over: afterwards the key
    // is either completed by the holder or held by exactly one newcomer, never both.
    try (RaceTester race = new RaceTester(raceThreads())) {
      for (int round = 0; round < 5; round++) {
        IdempotencyKey key = key("fence-" + round);
        LeaseToken stale = acquire(key, fingerprint("a"), shortLease());
        elapsePast(shortLease());
        List<Object> results = race.race(i -> () -> i == 0
            ? store().complete(key, stale, bytes("late"), LONG)
            : store().reserve(key, fingerprint("a"), LeaseToken.random(), LONG));
        assertThat(results.get(0)).as("the expired holder's completion").isEqualTo(false);
        assertThat(results).filteredOn(r -> r instanceof Reservation.Acquired).hasSize(1);
      }
    }
  }
}
