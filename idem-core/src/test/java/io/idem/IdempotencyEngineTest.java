package io.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.idem.IdempotencyConfig.FailurePolicy;
import io.idem.IdempotencyConfig.HeartbeatMode;
import io.idem.IdempotencyConfig.MismatchPolicy;
import io.idem.IdempotencyListener.OutcomeKind;
import io.idem.IdempotencyListener.StoreOperation;
import io.idem.spi.IdempotencyStore;
import io.idem.spi.Reservation;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's decisions, over a complete map-based store on a manual clock. */
class IdempotencyEngineTest {

  private static final Duration LEASE = Duration.ofSeconds(10);

  private final TestClock clock = new TestClock();
  private final TestStore store = new TestStore(clock);
  private final RecordingListener listener = new RecordingListener();
  private final IdempotencyKey key = IdempotencyKey.of("payments", "alice", "key-1");
  private final Fingerprint request = Fingerprint.of("POST", "/payments", "{\"amount\":100}");
  private final AtomicInteger runs = new AtomicInteger();
  private Idempotency engine = engine(config());

  private IdempotencyConfig.Builder config() {
    return IdempotencyConfig.custom().lease(LEASE).clock(clock).listener(listener);
  }

  private Idempotency engine(IdempotencyConfig.Builder config) {
    return Idempotency.createWithoutKeeperTicks(store, config.build());
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  private Outcome<String> charge(Fingerprint fingerprint) {
    return engine.execute(key, fingerprint, () -> "charge-" + runs.incrementAndGet(), ResultCodec.utf8());
  }

  @Test
  void retryReplaysTheExactResultWithoutRunningAgain() {
    assertThat(charge(request)).isEqualTo(new Outcome.Executed<>("charge-1", Completion.STORED));
    assertThat(charge(request)).isEqualTo(new Outcome.Replayed<>("charge-1"));
    assertThat(charge(request).orElseThrow()).isEqualTo("charge-1");
    assertThat(runs).hasValue(1);
    assertThat(listener.outcomes).containsExactly(OutcomeKind.EXECUTED, OutcomeKind.REPLAYED, OutcomeKind.REPLAYED);
  }

  @Test
  void replayIsBinaryExact() {
    byte[] result = new byte[256];
    for (int i = 0; i < result.length; i++) {
      result[i] = (byte) i;
    }
    engine.execute(key, request, result::clone);
    Outcome<byte[]> replay = engine.execute(key, request, () -> new byte[0]);
    assertThat(replay).isInstanceOf(Outcome.Replayed.class);
    assertThat(replay.orElseThrow()).isEqualTo(result);
  }

  @Test
  void concurrentDuplicatesRunTheWorkOnceEveryRound() throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 50; round++) {
        IdempotencyKey roundKey = IdempotencyKey.of("payments", "alice", "race-" + round);
        AtomicInteger roundRuns = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Outcome<String>>> racing = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          racing.add(pool.submit(() -> {
            start.await();
            return engine.execute(roundKey, request, () -> "run-" + roundRuns.incrementAndGet(), ResultCodec.utf8());
          }));
        }
        List<Outcome<String>> outcomes = new ArrayList<>();
        for (Future<Outcome<String>> outcome : racing) {
          outcomes.add(outcome.get(30, TimeUnit.SECONDS));
        }
        assertThat(roundRuns).as("runs in round %d", round).hasValue(1);
        assertThat(outcomes).filteredOn(Outcome::executed).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !o.executed())
            .allSatisfy(o -> assertThat(o).isIn(new Outcome.InProgress<>(), new Outcome.Replayed<>("run-1")));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sameKeyWithAnotherRequestIsAMismatchAndDoesNotRun() {
    charge(request);
    Outcome<String> other = charge(Fingerprint.of("POST", "/payments", "{\"amount\":999}"));
    assertThat(other).isEqualTo(new Outcome.Mismatch<>());
    assertThat(runs).hasValue(1);
    assertThatThrownBy(other::orElseThrow).isInstanceOf(OutcomeException.class)
        .hasMessageContaining("different request");
  }

  @Test
  void mismatchWhileTheFirstIsRunningIsStillAMismatch() {
    Admission first = engine.begin(key, request);
    assertThat(first).isInstanceOf(Admission.Proceed.class);
    assertThat(charge(Fingerprint.of("other"))).isEqualTo(new Outcome.Mismatch<>());
  }

  @Test
  void ignoredMismatchReplaysTheFirstResult() {
    engine = engine(config().mismatchPolicy(MismatchPolicy.IGNORE));
    charge(request);
    assertThat(charge(Fingerprint.of("other"))).isEqualTo(new Outcome.Replayed<>("charge-1"));
  }

  @Test
  void duplicateWhileTheFirstRunsFailsFastByDefault() {
    Admission first = engine.begin(key, request);
    assertThat(charge(request)).isEqualTo(new Outcome.InProgress<>());
    assertThat(runs).hasValue(0);
    ((Admission.Proceed) first).attempt().complete("x".getBytes());
    assertThat(charge(request)).isEqualTo(new Outcome.Replayed<>("x"));
  }

  @Test
  void duplicateWaitsForTheFirstAndReplaysItsResult() throws Exception {
    engine = engine(config().waitForInProgress(Duration.ofSeconds(30)).inProgressPollInterval(Duration.ofMillis(5)));
    Attempt first = ((Admission.Proceed) engine.begin(key, request)).attempt();
    CompletableFuture<Outcome<String>> duplicate = CompletableFuture.supplyAsync(() -> charge(request));
    // Complete only once the duplicate has looked at least once and found the key in progress.
    listener.awaitStoreCalls(StoreOperation.RESERVE, 3);
    assertThat(duplicate).isNotDone();
    first.complete(ResultCodec.utf8().encode("first"));
    assertThat(duplicate.get(30, TimeUnit.SECONDS)).isEqualTo(new Outcome.Replayed<>("first"));
    assertThat(runs).hasValue(0);
  }

  @Test
  void waitingDuplicateRunsTheWorkItselfWhenTheFirstReleases() throws Exception {
    engine = engine(config().waitForInProgress(Duration.ofSeconds(30)).inProgressPollInterval(Duration.ofMillis(5)));
    Attempt first = ((Admission.Proceed) engine.begin(key, request)).attempt();
    CompletableFuture<Outcome<String>> duplicate = CompletableFuture.supplyAsync(() -> charge(request));
    listener.awaitStoreCalls(StoreOperation.RESERVE, 3);
    first.abandon();
    assertThat(duplicate.get(30, TimeUnit.SECONDS)).isEqualTo(new Outcome.Executed<>("charge-1", Completion.STORED));
  }

  @Test
  void waitEndsInProgressWhenTheFirstDoesNotFinishInTime() {
    engine = engine(config().waitForInProgress(Duration.ofMillis(30)).inProgressPollInterval(Duration.ofMillis(5)));
    engine.begin(key, request);
    assertThat(charge(request)).isEqualTo(new Outcome.InProgress<>());
  }

  @Test
  void workThatThrowsReleasesTheKeySoARetryRunsAgain() {
    assertThatThrownBy(() -> engine.execute(key, request, () -> {
      runs.incrementAndGet();
      throw new IllegalStateException("card declined by network");
    }, ResultCodec.utf8())).isInstanceOf(IllegalStateException.class).hasMessage("card declined by network");
    assertThat(store.find(key)).isEmpty();
    assertThat(charge(request)).isEqualTo(new Outcome.Executed<>("charge-2", Completion.STORED));
  }

  @Test
  void checkedExceptionIsWrappedAndReleases() {
    assertThatThrownBy(() -> engine.execute(key, request, () -> {
      throw new IOException("socket closed");
    }, ResultCodec.utf8())).isInstanceOf(WorkFailedException.class).hasCauseInstanceOf(IOException.class);
    assertThat(store.find(key)).isEmpty();
  }

  @Test
  void storedFailureIsReplayedWithoutRunningAgain() {
    engine = engine(config().failurePolicy(FailurePolicy.STORE));
    assertThatThrownBy(() -> engine.execute(key, request, () -> {
      runs.incrementAndGet();
      throw new IllegalArgumentException("amount too large");
    }, ResultCodec.utf8())).isInstanceOf(IllegalArgumentException.class);
    Outcome<String> retry = charge(request);
    assertThat(retry).isEqualTo(new Outcome.ReplayedFailure<>(IllegalArgumentException.class.getName(), "amount too large"));
    assertThat(runs).hasValue(1);
    assertThatThrownBy(retry::orElseThrow).isInstanceOf(OutcomeException.class).hasMessageContaining("amount too large");
  }

  @Test
  void crashedAttemptIsTakenOverAfterItsLeaseExpires() {
    Admission crashed = engine.begin(key, request); // never completed: the process "died"
    assertThat(crashed).isInstanceOf(Admission.Proceed.class);
    assertThat(charge(request)).isEqualTo(new Outcome.InProgress<>());
    clock.advance(LEASE.plusMillis(1));
    assertThat(charge(request)).isEqualTo(new Outcome.Executed<>("charge-1", Completion.STORED));
    assertThat(charge(request)).isEqualTo(new Outcome.Replayed<>("charge-1"));
  }

  @Test
  void lateCompletionAfterTakeoverIsRejectedAndReported() {
    engine = engine(config().heartbeat(HeartbeatMode.OFF));
    Attempt slow = ((Admission.Proceed) engine.begin(key, request)).attempt();
    clock.advance(LEASE.plusMillis(1));
    Attempt takeover = ((Admission.Proceed) engine.begin(key, request)).attempt();
    assertThat(slow.complete("slow".getBytes())).isEqualTo(Completion.LEASE_LOST);
    assertThat(listener.leaseLost).containsExactly(key);
    assertThat(takeover.complete(ResultCodec.utf8().encode("takeover"))).isEqualTo(Completion.STORED);
    assertThat(charge(request)).isEqualTo(new Outcome.Replayed<>("takeover"));
  }

  @Test
  void executeReportsAnUnrecordedResultWhenTheLeaseWasLost() {
    engine = engine(config().heartbeat(HeartbeatMode.OFF));
    Outcome<String> outcome = engine.execute(key, request, () -> {
      clock.advance(LEASE.plusMillis(1));
      engine.begin(key, request); // another attempt takes over while this one is still working
      return "too late";
    }, ResultCodec.utf8());
    assertThat(outcome).isEqualTo(new Outcome.Executed<>("too late", Completion.LEASE_LOST));
    assertThat(listener.leaseLost).containsExactly(key);
  }

  @Test
  void heartbeatKeepsASlowAttemptsLease() {
    Attempt slow = ((Admission.Proceed) engine.begin(key, request)).attempt();
    clock.advance(LEASE.multipliedBy(6).dividedBy(10));
    engine.keeper().runOnce();
    clock.advance(LEASE.multipliedBy(6).dividedBy(10)); // past the first lease's end
    assertThat(charge(request)).isEqualTo(new Outcome.InProgress<>());
    assertThat(slow.complete(ResultCodec.utf8().encode("slow"))).isEqualTo(Completion.STORED);
    assertThat(charge(request)).isEqualTo(new Outcome.Replayed<>("slow"));
    assertThat(listener.extended).containsExactly(key);
  }

  @Test
  void withoutHeartbeatTheSameSlowAttemptIsTakenOver() {
    engine = engine(config().heartbeat(HeartbeatMode.OFF));
    engine.begin(key, request);
    clock.advance(LEASE.multipliedBy(6).dividedBy(10));
    engine.keeper().runOnce();
    clock.advance(LEASE.multipliedBy(6).dividedBy(10));
    assertThat(charge(request)).isEqualTo(new Outcome.Executed<>("charge-1", Completion.STORED));
  }

  @Test
  void heartbeatThreadExtendsOnItsOwn() throws Exception {
    engine = Idempotency.create(store, config().build());
    Attempt slow = ((Admission.Proceed) engine.begin(key, request)).attempt();
    clock.advance(LEASE.multipliedBy(6).dividedBy(10));
    assertThat(listener.extendedLatch.await(30, TimeUnit.SECONDS)).as("heartbeat extended the lease").isTrue();
    clock.advance(LEASE.multipliedBy(6).dividedBy(10));
    assertThat(charge(request)).isEqualTo(new Outcome.InProgress<>());
    assertThat(slow.complete(new byte[0])).isEqualTo(Completion.STORED);
  }

  @Test
  void heartbeatStopsExtendingAFinishedAttempt() {
    Attempt attempt = ((Admission.Proceed) engine.begin(key, request)).attempt();
    attempt.complete(new byte[0]);
    assertThat(engine.keeper().heldCount()).isZero();
  }

  @Test
  void finishingAnAttemptTwiceIsAProgrammingError() {
    Attempt attempt = ((Admission.Proceed) engine.begin(key, request)).attempt();
    attempt.complete(new byte[0]);
    assertThatThrownBy(attempt::abandon).isInstanceOf(IllegalStateException.class).hasMessageContaining("already finished");
  }

  @Test
  void failingStoreSurfacesAsStoreUnavailableAndTheWorkDoesNotRun() {
    IdempotencyStore broken = new BrokenStore(store);
    try (Idempotency failing = Idempotency.create(broken, config().build())) {
      assertThatThrownBy(() -> failing.execute(key, request, () -> "ran", ResultCodec.utf8()))
          .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("reserve")
          .hasRootCauseMessage("connection refused");
    }
    assertThat(listener.failedCalls).containsExactly(StoreOperation.RESERVE);
  }

  @Test
  void corruptStoredBytesAreReportedNotTreatedAsAbsent() {
    store.putForeign(key, request, "not written by the engine".getBytes());
    assertThatThrownBy(() -> charge(request)).isInstanceOf(CorruptRecordException.class);
    assertThat(runs).hasValue(0);
  }

  @Test
  void listenerThatThrowsDoesNotChangeTheOutcome() {
    IdempotencyListener throwing = new IdempotencyListener() {
      @Override
      public void onOutcome(IdempotencyKey k, OutcomeKind o) {
        throw new IllegalStateException("broken metrics");
      }
    };
    engine = engine(config().listener(throwing));
    assertThat(charge(request)).isEqualTo(new Outcome.Executed<>("charge-1", Completion.STORED));
  }

  /** A store whose backend is down: every reserve fails the way a client library would. */
  private static final class BrokenStore extends io.idem.spi.BlockingStore {
    private final IdempotencyStore delegate;

    BrokenStore(IdempotencyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Reservation reserve(IdempotencyKey k, Fingerprint f, LeaseToken t, Duration l) {
      throw new IllegalStateException("connection refused");
    }

    @Override
    public boolean complete(IdempotencyKey k, LeaseToken t, byte[] r, Duration d) {
      return delegate.complete(k, t, r, d);
    }

    @Override
    public boolean release(IdempotencyKey k, LeaseToken t) {
      return delegate.release(k, t);
    }

    @Override
    public java.util.Optional<io.idem.spi.StoredRecord> find(IdempotencyKey k) {
      return delegate.find(k);
    }

    @Override
    public boolean delete(IdempotencyKey k) {
      return delegate.delete(k);
    }

    @Override
    public long purge(String n) {
      return delegate.purge(n);
    }
  }

  private static final class RecordingListener implements IdempotencyListener {
    final List<OutcomeKind> outcomes = new CopyOnWriteArrayList<>();
    final List<IdempotencyKey> leaseLost = new CopyOnWriteArrayList<>();
    final List<IdempotencyKey> extended = new CopyOnWriteArrayList<>();
    final List<StoreOperation> failedCalls = new CopyOnWriteArrayList<>();
    final List<StoreOperation> calls = new CopyOnWriteArrayList<>();
    final CountDownLatch extendedLatch = new CountDownLatch(1);

    @Override
    public void onOutcome(IdempotencyKey key, OutcomeKind outcome) {
      outcomes.add(outcome);
    }

    @Override
    public void onStoreCall(StoreOperation operation, long nanos, boolean failed) {
      calls.add(operation);
      if (failed) {
        failedCalls.add(operation);
      }
    }

    @Override
    public void onLeaseLost(IdempotencyKey key) {
      leaseLost.add(key);
    }

    @Override
    public void onLeaseExtended(IdempotencyKey key) {
      extended.add(key);
      extendedLatch.countDown();
    }

    void awaitStoreCalls(StoreOperation operation, int count) {
      Awaitility.await(count + " " + operation + " calls").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(1))
          .until(() -> calls.stream().filter(operation::equals).count() >= count);
    }
  }
}
