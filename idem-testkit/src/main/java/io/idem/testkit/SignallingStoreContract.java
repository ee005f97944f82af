package io.idem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.idem.spi.IdempotencyStore;
import io.idem.spi.SignallingStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SignallingStore}, through two engines (as two instances of a service would be,
 * see {@link #originalsStore()}): a duplicate waiting on one engine is woken by the other's completion
 * or release.
 * The waiters poll only once a minute, so an answer within the test's bounds can only come from a
 * signal; the store calls a waiter makes are counted: one read before registering, one after, and one
 * after the signal unless the signal carried the completed record.
 */
public interface SignallingStoreContract extends StoreFixture {

  /**
   * The largest result, in bytes, whose completion signal carries the completed record, so its waiters
   * answer without reading the store again; 0 for a store whose signals never carry it. Results
   * larger than this must still wake their waiters, who then read.
   */
  int largestResultASignalCarries();

  /**
   * The store the first attempts complete through, while their duplicates wait on {@link #store()}:
   * by default the same one. A store that also wakes the waiters of its own instance in-process (PostgreSQL)
   * returns another client of the same backend here, so that these tests cross from one instance of a
   * service to another, where only the backend's signal can wake a waiter.
   */
  default IdempotencyStore originalsStore() {
    return store();
  }

  /** Engine config for both instances: waiting on, polling (almost) off. */
  private IdempotencyConfig.Builder waiting(IdempotencyListener listener) {
    return IdempotencyConfig.custom().waitForInProgress(Duration.ofSeconds(40))
        .inProgressPollInterval(Duration.ofMinutes(1)).listener(listener);
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  private void awaitRegistered(CountingReserves reserves, int waiters) {
    Awaitility.await("waiters registered").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
        .until(() -> reserves.count() >= 2 * waiters);
  }

  @Test
  default void waiterOnAnotherEngineWakesWhenTheFirstCompletes() throws Exception {
    aWaiterOnAnotherEngineIsAnsweredWith("k", StoreFixture.bytes("paid"));
  }

  @Test
  default void aResultTooLargeForTheSignalStillWakesItsWaiterWhoReadsIt() throws Exception {
    byte[] large = new byte[100_000];
    new java.util.Random(7).nextBytes(large);
    aWaiterOnAnotherEngineIsAnsweredWith("large", large);
  }

  /**
   * A duplicate waits on one engine while the first attempt completes with {@code result} on another:
   * it is answered with the result, after a read before and after registering, and one after the
   * signal unless the signal carried the record.
   */
  private void aWaiterOnAnotherEngineIsAnsweredWith(String name, byte[] result) throws Exception {
    CountingReserves reserves = new CountingReserves();
    try (Idempotency first = Idempotency.create(originalsStore(), waiting(IdempotencyListener.NOOP).build());
        Idempotency second = Idempotency.create(store(), waiting(reserves).build())) {
      Fingerprint fp = Fingerprint.of("pay");
      Attempt attempt = ((Admission.Proceed) first.begin(key(name), fp)).attempt();
      CompletableFuture<Admission> waiter = second.beginAsync(key(name), fp).toCompletableFuture();
      awaitRegistered(reserves, 1);
      assertThat(waiter).isNotDone();
      attempt.complete(result);
      Admission answer = get(waiter);
      assertThat(answer).isInstanceOf(Admission.Replay.class);
      assertThat(((Admission.Replay) answer).payload()).isEqualTo(result);
      boolean carried = largestResultASignalCarries() >= result.length;
      assertThat(reserves.count()).as("reads by the waiter of a " + result.length + "-byte result, signal "
          + (carried ? "carrying" : "not carrying") + " it").isEqualTo(carried ? 2 : 3);
    }
  }

  @Test
  default void aWaiterOnTheCompletingStoreInstanceIsAnsweredToo() throws Exception {
    byte[] large = new byte[100_000];
    new java.util.Random(11).nextBytes(large);
    CountingReserves reserves = new CountingReserves();
    try (Idempotency first = Idempotency.create(store(), waiting(IdempotencyListener.NOOP).build());
        Idempotency second = Idempotency.create(store(), waiting(reserves).build())) {
      Fingerprint fp = Fingerprint.of("pay");
      Attempt attempt = ((Admission.Proceed) first.begin(key("here"), fp)).attempt();
      CompletableFuture<Admission> waiter = second.beginAsync(key("here"), fp).toCompletableFuture();
      awaitRegistered(reserves, 1);
      assertThat(waiter).isNotDone();
      attempt.complete(large);
      assertThat(((Admission.Replay) get(waiter)).payload()).isEqualTo(large);
    }
  }

  @Test
  default void waiterWakesWhenTheFirstReleasesAndTakesTheKeyItself() throws Exception {
    CountingReserves reserves = new CountingReserves();
    try (Idempotency first = Idempotency.create(originalsStore(), waiting(IdempotencyListener.NOOP).build());
        Idempotency second = Idempotency.create(store(), waiting(reserves).build())) {
      Fingerprint fp = Fingerprint.of("pay");
      Attempt attempt = ((Admission.Proceed) first.begin(key("k"), fp)).attempt();
      CompletableFuture<Admission> waiter = second.beginAsync(key("k"), fp).toCompletableFuture();
      awaitRegistered(reserves, 1);
      attempt.abandon();
      Admission answer = get(waiter);
      assertThat(answer).isInstanceOf(Admission.Proceed.class);
      ((Admission.Proceed) answer).attempt().complete(StoreFixture.bytes("second"));
    }
  }

  @Test
  default void manyWaitersOnOneKeyAndOnManyKeysAllWake() throws Exception {
    CountingReserves reserves = new CountingReserves();
    try (Idempotency first = Idempotency.create(originalsStore(), waiting(IdempotencyListener.NOOP).build());
        Idempotency second = Idempotency.create(store(), waiting(reserves).build())) {
      Fingerprint fp = Fingerprint.of("pay");
      List<Attempt> attempts = new ArrayList<>();
      List<CompletableFuture<Admission>> waiters = new ArrayList<>();
      for (int k = 0; k < 20; k++) {
        attempts.add(((Admission.Proceed) first.begin(key("many-" + k), fp)).attempt());
        waiters.add(second.beginAsync(key("many-" + k), fp).toCompletableFuture());
      }
      for (int w = 0; w < 30; w++) {
        waiters.add(second.beginAsync(key("many-0"), fp).toCompletableFuture());
      }
      awaitRegistered(reserves, waiters.size());
      attempts.forEach(attempt -> attempt.complete(StoreFixture.bytes("paid")));
      for (CompletableFuture<Admission> waiter : waiters) {
        assertThat(get(waiter)).isInstanceOf(Admission.Replay.class);
      }
    }
  }

  @Test
  default void deadlineHoldsWhenNoSignalComes() throws Exception {
    try (Idempotency engine = Idempotency.create(store(), waiting(IdempotencyListener.NOOP).build())) {
      Fingerprint fp = Fingerprint.of("pay");
      engine.begin(key("k"), fp);
      Admission answer = get(engine.beginAsync(key("k"), fp, Duration.ofMillis(300)).toCompletableFuture());
      assertThat(answer).isInstanceOf(Admission.InProgress.class);
    }
  }
}
