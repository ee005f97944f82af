package io.idem.micrometer;

import static io.idem.micrometer.IdemMetricNames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Admission;
import io.idem.Completion;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyConfig.HeartbeatMode;
import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener.StoreOperation;
import io.idem.ResultCodec;
import io.idem.memory.MemoryStore;
import io.idem.testkit.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives a real engine on the in-memory store and reads the meters back from a real registry. */
class IdempotencyMetricsTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final ManualClock clock = new ManualClock();
  private final MemoryStore store = MemoryStore.builder().clock(clock).maximumSize(2).build();
  private final IdempotencyMetrics metrics = IdempotencyMetrics.register(registry, Tags.of("app", "payments"));
  private final Idempotency engine = Idempotency.create(store, IdempotencyConfig.custom()
      .clock(clock).lease(Duration.ofSeconds(10)).heartbeat(HeartbeatMode.OFF).listener(metrics).build());
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void close() {
    engine.close();
    store.close();
  }

  @Test
  void countsRequestsByOutcome() {
    run("a", "body");
    run("a", "body");
    run("a", "body");
    run("a", "another body");

    assertThat(requests("executed")).isEqualTo(1);
    assertThat(requests("replayed")).isEqualTo(2);
    assertThat(requests("mismatch")).isEqualTo(1);
    assertThat(requests("in_progress")).isZero();
    assertThat(runs).hasValue(1);
  }

  @Test
  void everyMeterExistsBeforeAnythingHappens() {
    for (String name : new String[] {LEASES_LOST, LEASES_EXTENDED, COMPLETIONS_DEFERRED, ATTEMPTS_TIMED_OUT,
        RECORDS_EVICTED, RESERVATIONS_REFUSED}) {
      assertThat(registry.get(name).tag("app", "payments").counter().count()).as(name).isZero();
    }
    assertThat(registry.get(REQUESTS).counters()).hasSize(4);
    assertThat(registry.get(STORE_CALLS).timers()).hasSize(2 * StoreOperation.values().length);
    assertThat(registry.get(ATTEMPTS_ACTIVE).gauge().value()).isZero();
  }

  @Test
  void timesStoreCallsByOperationAndResult() {
    run("a", "body");
    run("a", "body");

    assertThat(storeCalls("reserve", RESULT_SUCCESS)).isEqualTo(2);
    assertThat(storeCalls("complete", RESULT_SUCCESS)).isEqualTo(1);
    assertThat(storeCalls("reserve", RESULT_FAILURE)).isZero();
  }

  @Test
  void gaugeCountsAttemptsUntilTheStoreAnswersTheirFinish() {
    Admission.Proceed first = (Admission.Proceed) engine.begin(key("a"), Fingerprint.of("a"));
    Admission.Proceed second = (Admission.Proceed) engine.begin(key("b"), Fingerprint.of("b"));
    assertThat(active()).isEqualTo(2);

    engine.begin(key("a"), Fingerprint.of("a"));
    assertThat(requests("in_progress")).isEqualTo(1);
    assertThat(active()).isEqualTo(2);

    first.attempt().complete(new byte[] {1});
    assertThat(active()).isEqualTo(1);
    second.attempt().abandon();
    assertThat(active()).isZero();
  }

  @Test
  void countsALostLeaseWhenATakenOverAttemptFinishesLate() {
    Admission.Proceed slow = (Admission.Proceed) engine.begin(key("a"), Fingerprint.of("a"));
    clock.advance(Duration.ofSeconds(11));
    Admission.Proceed takeover = (Admission.Proceed) engine.begin(key("a"), Fingerprint.of("a"));

    assertThat(slow.attempt().complete(new byte[] {1})).isEqualTo(Completion.LEASE_LOST);

    assertThat(registry.get(LEASES_LOST).counter().count()).isEqualTo(1);
    assertThat(active()).isEqualTo(1);
    takeover.attempt().complete(new byte[] {2});
    assertThat(active()).isZero();
  }

  @Test
  void countsCompletedRecordsAFullStoreEvicted() {
    run("a", "body");
    run("b", "body");
    run("c", "body");

    assertThat(registry.get(RECORDS_EVICTED).counter().count()).isEqualTo(1);
  }

  @Test
  void mapsTheEngineEventsThatNeedAFailingStoreOneToOne() {
    IdempotencyKey key = key("a");
    metrics.onStoreCall(StoreOperation.COMPLETE, 5_000_000, true);
    metrics.onCompletionDeferred(key);
    metrics.onAttemptTimedOut(key);
    metrics.onLeaseExtended(key);
    metrics.onReservationRefused(key);

    assertThat(storeCalls("complete", RESULT_FAILURE)).isEqualTo(1);
    assertThat(registry.get(STORE_CALLS).tags(TAG_OPERATION, "complete", TAG_RESULT, RESULT_FAILURE).timer()
        .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(5.0);
    assertThat(registry.get(COMPLETIONS_DEFERRED).counter().count()).isEqualTo(1);
    assertThat(registry.get(ATTEMPTS_TIMED_OUT).counter().count()).isEqualTo(1);
    assertThat(registry.get(LEASES_EXTENDED).counter().count()).isEqualTo(1);
    assertThat(registry.get(RESERVATIONS_REFUSED).counter().count()).isEqualTo(1);
    assertThat(active()).as("never below zero").isZero();
  }

  private void run(String key, String body) {
    engine.execute(key(key), Fingerprint.of(body), () -> "ran " + runs.incrementAndGet(), ResultCodec.utf8());
  }

  private static IdempotencyKey key(String key) {
    return IdempotencyKey.of("payments", "alice", key);
  }

  private double requests(String outcome) {
    return registry.get(REQUESTS).tags("app", "payments", TAG_OUTCOME, outcome).counter().count();
  }

  private long storeCalls(String operation, String result) {
    return registry.get(STORE_CALLS).tags(TAG_OPERATION, operation, TAG_RESULT, result).timer().count();
  }

  private double active() {
    return registry.get(ATTEMPTS_ACTIVE).gauge().value();
  }
}
