package io.idem.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.LeaseToken;
import io.idem.StoreCapacityExceededException;
import io.idem.spi.Reservation;
import io.idem.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryStoreCapacityTest {

  private final ManualClock clock = new ManualClock();
  private final List<String> evicted = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final IdempotencyListener listener = new IdempotencyListener() {
    @Override
    public void onRecordEvicted(IdempotencyKey key) {
      evicted.add(key.key());
    }

    @Override
    public void onReservationRefused(IdempotencyKey key) {
      refused.add(key.key());
    }
  };

  private MemoryStore store(MemoryStore.WhenFull whenFull) {
    MemoryStore store = MemoryStore.builder().maximumSize(3).whenFull(whenFull).clock(clock).build();
    store.subscribe(listener);
    return store;
  }

  private static IdempotencyKey key(String k) {
    return IdempotencyKey.of("ns", k);
  }

  private static LeaseToken reserve(MemoryStore store, String k) {
    LeaseToken token = LeaseToken.random();
    Reservation r = store.reserve(key(k), Fingerprint.EMPTY, token, Duration.ofMinutes(1));
    assertThat(r).isEqualTo(new Reservation.Acquired(token));
    return token;
  }

  private static void completed(MemoryStore store, String k, Duration retention) {
    store.complete(key(k), reserve(store, k), new byte[] {1}, retention);
  }

  @Test
  void fullStoreEvictsTheCompletedRecordClosestToExpiry() {
    MemoryStore store = store(MemoryStore.WhenFull.EVICT_SOONEST_EXPIRING);
    completed(store, "late", Duration.ofHours(3));
    completed(store, "soon", Duration.ofHours(1));
    completed(store, "middle", Duration.ofHours(2));
    reserve(store, "new");
    assertThat(evicted).containsExactly("soon");
    assertThat(store.find(key("soon"))).isEmpty();
    assertThat(store.find(key("late"))).isPresent();
    assertThat(store.find(key("middle"))).isPresent();
    assertThat(store.size()).isEqualTo(3);
  }

  @Test
  void aStoreThatStaysFullEvictsInSmallBatchesOfTheSoonestExpiring() {
    MemoryStore store = MemoryStore.builder().maximumSize(200).clock(clock).build();
    store.subscribe(listener);
    for (int i = 0; i < 196; i++) {
      completed(store, "day-" + i, Duration.ofDays(1));
    }
    for (int i = 0; i < 4; i++) {
      completed(store, "minutes-" + i, Duration.ofMinutes(1 + i));
    }
    reserve(store, "new-1");
    assertThat(evicted).containsExactlyInAnyOrder("minutes-0", "minutes-1");
    reserve(store, "new-2");
    assertThat(evicted).hasSize(2);
    reserve(store, "new-3");
    assertThat(evicted).containsExactlyInAnyOrder("minutes-0", "minutes-1", "minutes-2", "minutes-3");
    assertThat(store.size()).isEqualTo(199);
  }

  @Test
  void aFullStoreUnderConcurrentNewKeysEvictsWithoutRefusingAny() throws Exception {
    // Only completed records and a handful in progress: every new key must find room, however the
    // threads interleave their evictions.
    MemoryStore store = MemoryStore.builder().maximumSize(1_000).clock(clock).build();
    store.subscribe(listener);
    int threads = 8;
    int keysPerThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          int failures = 0;
          for (int i = 0; i < keysPerThread; i++) {
            LeaseToken token = LeaseToken.random();
            try {
              store.reserve(key(thread + "-" + i), Fingerprint.EMPTY, token, Duration.ofMinutes(1));
              store.complete(key(thread + "-" + i), token, new byte[] {1}, Duration.ofHours(1));
            } catch (StoreCapacityExceededException e) {
              failures++;
            }
          }
          return failures;
        }));
      }
      int failures = 0;
      for (Future<Integer> result : results) {
        failures += result.get(2, TimeUnit.MINUTES);
      }
      assertThat(failures).isZero();
      assertThat(refused).isEmpty();
      assertThat(store.size()).isLessThanOrEqualTo(1_000);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void inProgressRecordsAreNeverEvicted() {
    MemoryStore store = store(MemoryStore.WhenFull.EVICT_SOONEST_EXPIRING);
    reserve(store, "a");
    reserve(store, "b");
    completed(store, "done", Duration.ofDays(1));
    reserve(store, "c");
    assertThat(evicted).containsExactly("done");
    assertThatThrownBy(() -> store.reserve(key("d"), Fingerprint.EMPTY, LeaseToken.random(), Duration.ofMinutes(1)))
        .isInstanceOf(StoreCapacityExceededException.class).hasMessageContaining("in progress");
    assertThat(store.find(key("a"))).isPresent();
    assertThat(store.find(key("b"))).isPresent();
    assertThat(store.find(key("c"))).isPresent();
    assertThat(refused).containsExactly("d");
  }

  @Test
  void refusingStoreKeepsEveryResultAndRefusesNewKeys() {
    MemoryStore store = store(MemoryStore.WhenFull.REFUSE_NEW);
    completed(store, "a", Duration.ofHours(1));
    completed(store, "b", Duration.ofHours(1));
    completed(store, "c", Duration.ofHours(1));
    assertThatThrownBy(() -> store.reserve(key("d"), Fingerprint.EMPTY, LeaseToken.random(), Duration.ofMinutes(1)))
        .isInstanceOf(StoreCapacityExceededException.class).hasMessageContaining("maximumSize");
    assertThat(evicted).isEmpty();
    assertThat(refused).containsExactly("d");
  }

  @Test
  void fullStoreStillAnswersForKeysItHolds() {
    MemoryStore store = store(MemoryStore.WhenFull.REFUSE_NEW);
    completed(store, "a", Duration.ofHours(1));
    completed(store, "b", Duration.ofHours(1));
    completed(store, "c", Duration.ofHours(1));
    assertThat(store.reserve(key("a"), Fingerprint.EMPTY, LeaseToken.random(), Duration.ofMinutes(1)))
        .isInstanceOf(Reservation.Found.class);
  }

  @Test
  void expiredRecordsFreeTheirPlace() {
    MemoryStore store = store(MemoryStore.WhenFull.REFUSE_NEW);
    completed(store, "a", Duration.ofSeconds(1));
    completed(store, "b", Duration.ofSeconds(1));
    completed(store, "c", Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    reserve(store, "d");
    assertThat(refused).isEmpty();
  }

  @Test
  void maximumSizeMustBePositive() {
    assertThatThrownBy(() -> MemoryStore.builder().maximumSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
  }
}
