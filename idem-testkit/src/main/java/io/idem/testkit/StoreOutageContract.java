package io.idem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Completion;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyException;
import io.idem.IdempotencyKey;
import io.idem.Outcome;
import io.idem.ResultCodec;
import io.idem.spi.IdempotencyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine over a real store whose server is killed and restarted while requests finish: a
 * completion the store could not take is retried by the engine, and no key's work ever runs twice
 * as long as the server comes back within the lease. A store module adds a subclass that starts a
 * server with durable writes and implements {@link #crash()} and {@link #recover()}.
 */
public abstract class StoreOutageContract {

  private Idempotency engine;
  private IdempotencyStore store;
  private String namespace;
  private final Map<IdempotencyKey, AtomicInteger> executions = new ConcurrentHashMap<>();

  /** A store on the server, with a short call timeout (well under the lease). */
  protected abstract IdempotencyStore createStore();

  /** Kills the server as a crash would (its durable writes survive). */
  protected abstract void crash();

  /** Starts the server again on the same port and data; returns once it answers. */
  protected abstract void recover();

  /** The lease: longer than {@link #downtime()} plus the time to restart. */
  protected Duration lease() {
    return Duration.ofSeconds(6);
  }

  /** How long the server stays down each time. */
  protected Duration downtime() {
    return Duration.ofMillis(500);
  }

  @BeforeEach
  void start() {
    store = createStore();
    namespace = "outage-" + UUID.randomUUID();
    engine = Idempotency.create(store, IdempotencyConfig.custom().lease(lease()).build());
  }

  @AfterEach
  void stop() {
    engine.close();
    store.close();
  }

  private Outcome<String> pay(IdempotencyKey key, Runnable whileWorking) {
    return engine.execute(key, Fingerprint.of("pay", key.key()), () -> {
      int run = executions.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      whileWorking.run();
      return "payment " + key.key() + " run " + run;
    }, ResultCodec.utf8());
  }

  /** Retries as a client would, until the payment is answered (executed or replayed). */
  private Outcome<String> payUntilAnswered(IdempotencyKey key, Runnable whileWorking) {
    while (true) {
      try {
        Outcome<String> outcome = pay(key, whileWorking);
        if (!(outcome instanceof Outcome.InProgress)) {
          return outcome;
        }
      } catch (IdempotencyException unavailable) {
        // 503: the client retries
      }
      sleep(Duration.ofMillis(50));
    }
  }

  @Test
  void completionFailingAsTheServerDiesIsStoredWhenItComesBackAndRetriesReplayIt() {
    for (int round = 0; round < 3; round++) {
      IdempotencyKey key = IdempotencyKey.of(namespace, "round-" + round);
      // The client may still be reconnecting after the last round: retry until the work runs.
      Outcome<String> first = payUntilAnswered(key, this::crash);
      assertThat(first).isInstanceOf(Outcome.Executed.class);
      assertThat(((Outcome.Executed<String>) first).completion()).as("the server was down").isEqualTo(
          Completion.RETRYING);
      sleep(downtime());
      recover();
      Awaitility.await("the deferred completion of round " + round).atMost(lease())
          .pollInterval(Duration.ofMillis(50)).ignoreExceptionsInstanceOf(IdempotencyException.class)
          .until(() -> pay(key, () -> { }) instanceof Outcome.Replayed);
      assertThat(pay(key, () -> { })).isEqualTo(new Outcome.Replayed<>("payment " + key.key() + " run 1"));
      assertThat(executions.get(key)).as("executions of round %d", round).hasValue(1);
    }
  }

  @Test
  void clientsRetryingThroughKillRestartCyclesNeverRunAPaymentTwice() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    int clients = 8;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Integer>> answered = new ArrayList<>();
    try {
      for (int c = 0; c < clients; c++) {
        int client = c;
        answered.add(pool.submit(() -> {
          int payments = 0;
          while (running.get()) {
            IdempotencyKey key = IdempotencyKey.of(namespace, "client-" + client + "-" + payments);
            payUntilAnswered(key, () -> sleep(Duration.ofMillis(20)));
            payments++;
          }
          return payments;
        }));
      }
      for (int cycle = 0; cycle < 4; cycle++) {
        sleep(Duration.ofMillis(700));
        crash();
        sleep(downtime());
        recover();
      }
      sleep(Duration.ofMillis(500));
    } finally {
      running.set(false);
    }
    int total = 0;
    for (Future<Integer> client : answered) {
      total += client.get(lease().toSeconds() * 6, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    assertThat(total).as("payments answered").isGreaterThan(clients);
    // Every client retries every payment once more after the lease, as one whose answer was lost would.
    sleep(lease().plusSeconds(1));
    for (IdempotencyKey key : List.copyOf(executions.keySet())) {
      assertThat(payUntilAnswered(key, () -> { })).as("late retry of %s", key.key()).isInstanceOf(Outcome.Replayed.class);
    }
    assertThat(executions.values()).as("executions per payment").allSatisfy(n -> assertThat(n).hasValue(1));
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
