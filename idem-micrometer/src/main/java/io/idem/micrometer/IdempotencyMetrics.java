package io.idem.micrometer;

import static io.idem.micrometer.IdemMetricNames.*;

import io.idem.IdempotencyKey;
import io.idem.IdempotencyListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's {@link IdempotencyListener} as Micrometer meters (names in {@link IdemMetricNames}).
 * Give it to the engine's configuration; it needs no framework:
 *
 * <pre>{@code
 * IdempotencyMetrics metrics = IdempotencyMetrics.register(registry, Tags.of("store", "redis"));
 * Idempotency idem = Idempotency.create(store, IdempotencyConfig.custom().listener(metrics).build());
 * }</pre>
 *
 * <p>Every meter is registered up front, so a dashboard sees zeros rather than missing series. One
 * instance per engine: the in-flight gauge counts that engine's attempts. The meters are looked up
 * once here, so each callback is a counter increment or a timer record.
 */
public final class IdempotencyMetrics implements IdempotencyListener {

  private final Map<OutcomeKind, Counter> requests = new EnumMap<>(OutcomeKind.class);
  private final Map<StoreOperation, Timer> storeSuccesses = new EnumMap<>(StoreOperation.class);
  private final Map<StoreOperation, Timer> storeFailures = new EnumMap<>(StoreOperation.class);
  private final ActiveAttempts active = new ActiveAttempts();
  private final Counter leasesLost;
  private final Counter leasesExtended;
  private final Counter completionsDeferred;
  private final Counter attemptsTimedOut;
  private final Counter recordsEvicted;
  private final Counter reservationsRefused;

  private IdempotencyMetrics(MeterRegistry registry, Tags tags) {
    for (OutcomeKind kind : OutcomeKind.values()) {
      requests.put(kind, Counter.builder(REQUESTS).tags(tags).tag(TAG_OUTCOME, lowerCase(kind))
          .description("Requests by what the engine made of them").register(registry));
    }
    for (StoreOperation operation : StoreOperation.values()) {
      storeSuccesses.put(operation, storeTimer(registry, tags, operation, RESULT_SUCCESS));
      storeFailures.put(operation, storeTimer(registry, tags, operation, RESULT_FAILURE));
    }
    Gauge.builder(ATTEMPTS_ACTIVE, active, ActiveAttempts::count).tags(tags)
        .strongReference(true)
        .description("Attempts admitted whose finish the store has not answered yet").register(registry);
    leasesLost = counter(registry, tags, LEASES_LOST, "Attempts whose lease was lost: the work may have run twice");
    leasesExtended = counter(registry, tags, LEASES_EXTENDED, "Leases extended by the heartbeat");
    completionsDeferred = counter(registry, tags, COMPLETIONS_DEFERRED,
        "Completions the store did not take at once, retried in the background");
    attemptsTimedOut = counter(registry, tags, ATTEMPTS_TIMED_OUT,
        "Attempts that reached the attempt time limit unfinished");
    recordsEvicted = counter(registry, tags, RECORDS_EVICTED,
        "Completed records evicted before their retention ended");
    reservationsRefused = counter(registry, tags, RESERVATIONS_REFUSED, "Reservations refused by a full store");
  }

  /** Registers Idem's meters in {@code registry}. */
  public static IdempotencyMetrics register(MeterRegistry registry) {
    return register(registry, Tags.empty());
  }

  /** Registers Idem's meters in {@code registry}, each with {@code tags} besides its own. */
  public static IdempotencyMetrics register(MeterRegistry registry, Iterable<Tag> tags) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(tags, "tags");
    return new IdempotencyMetrics(registry, Tags.of(tags));
  }

  @Override
  public void onOutcome(IdempotencyKey key, OutcomeKind outcome) {
    requests.get(outcome).increment();
    if (outcome == OutcomeKind.EXECUTED) {
      active.began();
    }
  }

  @Override
  public void onStoreCall(StoreOperation operation, long nanos, boolean failed) {
    (failed ? storeFailures : storeSuccesses).get(operation).record(nanos, TimeUnit.NANOSECONDS);
    if (!failed && (operation == StoreOperation.COMPLETE || operation == StoreOperation.RELEASE)) {
      active.finished();
    }
  }

  @Override
  public void onLeaseLost(IdempotencyKey key) {
    leasesLost.increment();
  }

  @Override
  public void onLeaseExtended(IdempotencyKey key) {
    leasesExtended.increment();
  }

  @Override
  public void onCompletionDeferred(IdempotencyKey key) {
    completionsDeferred.increment();
  }

  @Override
  public void onAttemptTimedOut(IdempotencyKey key) {
    attemptsTimedOut.increment();
    active.finished();
  }

  @Override
  public void onRecordEvicted(IdempotencyKey key) {
    recordsEvicted.increment();
  }

  @Override
  public void onReservationRefused(IdempotencyKey key) {
    reservationsRefused.increment();
  }

  private static Timer storeTimer(MeterRegistry registry, Tags tags, StoreOperation operation, String result) {
    return Timer.builder(STORE_CALLS).tags(tags).tag(TAG_OPERATION, lowerCase(operation)).tag(TAG_RESULT, result)
        .description("Store calls by operation and whether the store answered").register(registry);
  }

  private static Counter counter(MeterRegistry registry, Tags tags, String name, String description) {
    return Counter.builder(name).tags(tags).description(description).register(registry);
  }

  private static String lowerCase(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Attempts in flight, as far as the listener can see them: one begins with an EXECUTED admission and
   * ends when the store answers its complete or release, or when it times out. Never below zero: a
   * transactional completion makes more than one complete call (decision 0600).
   */
  private static final class ActiveAttempts {
    private final AtomicLong count = new AtomicLong();

    void began() {
      count.incrementAndGet();
    }

    void finished() {
      count.updateAndGet(current -> Math.max(0, current - 1));
    }

    double count() {
      return count.get();
    }
  }
}
