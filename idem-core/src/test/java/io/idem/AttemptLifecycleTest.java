package io.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.IdempotencyConfig.HeartbeatMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How attempts end when things go wrong: the store down as the work finishes, an attempt never
 * finished, a store that stalls one extension, an extension racing the completion.
 */
class AttemptLifecycleTest {

  private static final Duration LEASE = Duration.ofSeconds(10);

  private final TestClock clock = new TestClock();
  private final TestStore store = new TestStore(clock);
  private final Events events = new Events();
  private final Fingerprint request = Fingerprint.of("POST", "/payments", "{\"amount\":100}");
  private final IdempotencyKey key = IdempotencyKey.of("payments", "alice", "key-1");
  private Idempotency engine = engine(config());

  private IdempotencyConfig.Builder config() {
    return IdempotencyConfig.custom().lease(LEASE).attemptTimeLimit(Duration.ofSeconds(60)).clock(clock)
        .listener(events);
  }

  private Idempotency engine(IdempotencyConfig.Builder config) {
    return Idempotency.createWithoutKeeperTicks(store, config.build());
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private Attempt begin(IdempotencyKey k) {
    return ((Admission.Proceed) engine.begin(k, request)).attempt();
  }

  @Test
  void completionTheStoreCouldNotTakeIsRetriedAndARetryNeverRunsTheWorkAgain() {
    Attempt attempt = begin(key);
    store.down.set(true);
    assertThat(attempt.complete("paid".getBytes())).isEqualTo(Completion.RETRYING);
    assertThat(events.deferred).containsExactly(key);
    engine.keeper().runOnce(); // still down: the completion stays pending
    store.down.set(false);
    // The store is back within the lease, before the keeper retried: a retry sees the key in progress.
    assertThat(engine.begin(key, request)).isInstanceOf(Admission.InProgress.class);
    engine.keeper().runOnce();
    Admission retry = engine.begin(key, request);
    assertThat(retry).isInstanceOf(Admission.Replay.class);
    assertThat(((Admission.Replay) retry).payload()).isEqualTo("paid".getBytes());
    assertThat(engine.keeper().heldCount()).isZero();
  }

  @Test
  void pendingCompletionKeepsTheLeaseAliveWhileTheStoreStaysFlaky() {
    Attempt attempt = begin(key);
    store.down.set(true);
    assertThat(attempt.complete("paid".getBytes())).isEqualTo(Completion.RETRYING);
    store.down.set(false);
    store.stallCompletions = true; // completions time out, extensions get through
    for (int i = 0; i < 5; i++) {
      clock.advance(LEASE.dividedBy(2));
      engine.keeper().runOnce();
    }
    assertThat(engine.begin(key, request)).as("well past the first lease").isInstanceOf(Admission.InProgress.class);
    store.stallCompletions = false;
    engine.keeper().runOnce();
    engine.keeper().runOnce();
    assertThat(engine.begin(key, request)).isInstanceOf(Admission.Replay.class);
  }

  @Test
  void releaseTheStoreCouldNotTakeIsRetriedToo() {
    Attempt attempt = begin(key);
    store.down.set(true);
    assertThat(attempt.abandon()).isEqualTo(Completion.RETRYING);
    store.down.set(false);
    engine.keeper().runOnce();
    assertThat(engine.begin(key, request)).isInstanceOf(Admission.Proceed.class);
  }

  @Test
  void attemptNeverFinishedStopsHoldingItsKeyAfterTheTimeLimit() {
    Attempt forgotten = begin(key);
    for (int i = 0; i < 13; i++) { // 65 s in heartbeat-sized steps: past the 60 s limit
      clock.advance(Duration.ofSeconds(5));
      engine.keeper().runOnce();
    }
    assertThat(events.timedOut).containsExactly(key);
    assertThat(engine.keeper().heldCount()).isZero();
    clock.advance(LEASE);
    assertThat(engine.begin(key, request)).as("the lease expired: a retry takes over").isInstanceOf(Admission.Proceed.class);
    assertThat(forgotten.complete("late".getBytes())).isEqualTo(Completion.LEASE_LOST);
  }

  @Test
  void pendingCompletionIsAbandonedAtTheTimeLimit() {
    Attempt attempt = begin(key);
    store.down.set(true);
    attempt.complete("paid".getBytes());
    for (int i = 0; i < 13; i++) {
      clock.advance(Duration.ofSeconds(5));
      engine.keeper().runOnce();
    }
    assertThat(events.timedOut).containsExactly(key);
    assertThat(engine.keeper().heldCount()).isZero();
  }

  @Test
  void aStalledExtensionDelaysNoOtherAttempt() {
    IdempotencyKey stuck = IdempotencyKey.of("payments", "alice", "stuck");
    store.stallExtensionsOf(stuck);
    begin(stuck);
    begin(key);
    clock.advance(LEASE.multipliedBy(6).dividedBy(10));
    engine.keeper().runOnce();
    assertThat(events.extended).containsExactly(key);
    clock.advance(LEASE.multipliedBy(6).dividedBy(10));
    assertThat(engine.begin(key, request)).isInstanceOf(Admission.InProgress.class);
    assertThat(engine.begin(stuck, request)).as("its extension never came back").isInstanceOf(Admission.Proceed.class);
  }

  @Test
  void extensionThatLosesTheRaceWithTheCompletionIsNotALostLease() {
    Attempt attempt = begin(key);
    clock.advance(LEASE.multipliedBy(6).dividedBy(10));
    store.holdNextExtension();
    engine.keeper().runOnce(); // the extension is in flight
    assertThat(attempt.complete("paid".getBytes())).isEqualTo(Completion.STORED);
    store.answerHeldExtension(); // the server ran it after the completion: refused
    assertThat(events.lost).isEmpty();
    assertThat(attempt.leaseLost()).isFalse();
  }

  @Test
  void heartbeatOffStillRetriesADeferredCompletion() {
    engine.close();
    engine = engine(config().heartbeat(HeartbeatMode.OFF));
    Attempt attempt = begin(key);
    assertThat(engine.keeper().heldCount()).isZero();
    store.down.set(true);
    assertThat(attempt.complete("paid".getBytes())).isEqualTo(Completion.RETRYING);
    store.down.set(false);
    engine.keeper().runOnce();
    assertThat(engine.begin(key, request)).isInstanceOf(Admission.Replay.class);
  }

  @Test
  void attemptTimeLimitShorterThanTheLeaseIsRejected() {
    assertThatThrownBy(() -> IdempotencyConfig.custom().lease(Duration.ofMinutes(2))
        .attemptTimeLimit(Duration.ofMinutes(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attemptTimeLimit");
  }

  private static final class Events implements IdempotencyListener {
    final List<IdempotencyKey> deferred = new CopyOnWriteArrayList<>();
    final List<IdempotencyKey> timedOut = new CopyOnWriteArrayList<>();
    final List<IdempotencyKey> extended = new CopyOnWriteArrayList<>();
    final List<IdempotencyKey> lost = new CopyOnWriteArrayList<>();

    @Override
    public void onCompletionDeferred(IdempotencyKey key) {
      deferred.add(key);
    }

    @Override
    public void onAttemptTimedOut(IdempotencyKey key) {
      timedOut.add(key);
    }

    @Override
    public void onLeaseExtended(IdempotencyKey key) {
      extended.add(key);
    }

    @Override
    public void onLeaseLost(IdempotencyKey key) {
      lost.add(key);
    }
  }
}
