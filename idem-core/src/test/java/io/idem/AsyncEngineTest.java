package io.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The asynchronous path decides exactly as the blocking one: same store, same answers. */
class AsyncEngineTest {

  private final TestClock clock = new TestClock();
  private final TestStore store = new TestStore(clock);
  private final IdempotencyKey key = IdempotencyKey.of("payments", "alice", "key-1");
  private final Fingerprint request = Fingerprint.of("POST", "/payments", "{\"amount\":100}");
  private final AtomicInteger runs = new AtomicInteger();
  private Idempotency engine = Idempotency.create(store, IdempotencyConfig.custom().clock(clock).build());

  @AfterEach
  void close() {
    engine.close();
  }

  private Outcome<String> chargeAsync() throws Exception {
    return get(engine.executeAsync(key, request,
        () -> CompletableFuture.supplyAsync(() -> "charge-" + runs.incrementAndGet()), ResultCodec.utf8()));
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void executeAsyncRunsOnceAndReplays() throws Exception {
    assertThat(chargeAsync()).isEqualTo(new Outcome.Executed<>("charge-1", Completion.STORED));
    assertThat(chargeAsync()).isEqualTo(new Outcome.Replayed<>("charge-1"));
    assertThat(engine.execute(key, request, () -> "blocking", ResultCodec.utf8()))
        .as("the blocking path reads what the asynchronous one stored").isEqualTo(new Outcome.Replayed<>("charge-1"));
  }

  @Test
  void beginAsyncAnswersMismatchAndInProgressLikeBegin() throws Exception {
    Attempt first = ((Admission.Proceed) get(engine.beginAsync(key, request))).attempt();
    assertThat(get(engine.beginAsync(key, request))).isInstanceOf(Admission.InProgress.class);
    assertThat(get(engine.beginAsync(key, Fingerprint.of("other")))).isInstanceOf(Admission.Mismatch.class);
    assertThat(get(first.completeAsync("done".getBytes()))).isEqualTo(Completion.STORED);
    assertThat(get(engine.beginAsync(key, request))).isInstanceOf(Admission.Replay.class);
  }

  @Test
  void asyncWaitForTheFirstAttemptReplaysItsResultWithoutHoldingAThread() throws Exception {
    engine.close();
    engine = Idempotency.create(store, IdempotencyConfig.custom().clock(clock)
        .waitForInProgress(Duration.ofSeconds(30)).inProgressPollInterval(Duration.ofMillis(5)).build());
    Attempt first = ((Admission.Proceed) engine.begin(key, request)).attempt();
    CompletionStage<Admission> waiting = engine.beginAsync(key, request);
    assertThat(waiting.toCompletableFuture()).isNotDone();
    first.complete("first".getBytes());
    Admission answer = get(waiting);
    assertThat(answer).isInstanceOf(Admission.Replay.class);
    assertThat(((Admission.Replay) answer).payload()).isEqualTo("first".getBytes());
  }

  @Test
  void aPollingWaiterLooksAgainSoonAfterItBeganNotOnlyEveryPollInterval() throws Exception {
    engine.close();
    // A ten-minute poll interval: only the adaptive first pauses (1, 2, 4 .. ms) can answer within the test's bound.
    engine = Idempotency.create(store, IdempotencyConfig.custom().clock(clock)
        .waitForInProgress(Duration.ofMinutes(20)).inProgressPollInterval(Duration.ofMinutes(10)).build());
    Attempt first = ((Admission.Proceed) engine.begin(key, request)).attempt();
    CompletionStage<Admission> waiting = engine.beginAsync(key, request);
    Thread.sleep(50);
    assertThat(waiting.toCompletableFuture()).isNotDone();
    first.complete("first".getBytes());
    Admission answer = waiting.toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(((Admission.Replay) answer).payload()).isEqualTo("first".getBytes());
  }

  @Test
  void pollingPausesDoubleFromOneMillisecondUpToTheInterval() {
    long interval = Duration.ofMillis(20).toNanos();
    List<Long> pauses = new ArrayList<>();
    long pause = 0;
    for (int i = 0; i < 7; i++) {
      pause = DuplicateWait.nextPoll(pause, interval);
      pauses.add(pause / 1_000_000);
    }
    assertThat(pauses).containsExactly(1L, 2L, 4L, 8L, 16L, 20L, 20L);
    assertThat(DuplicateWait.nextPoll(0, Duration.ofNanos(300_000).toNanos())).isEqualTo(300_000);
    assertThat(DuplicateWait.nextPoll(Long.MAX_VALUE / 2 + 1, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void workFailingThroughItsStageReleasesAndFailsTheOutcome() throws Exception {
    CompletionStage<Outcome<String>> failing = engine.executeAsync(key, request,
        () -> CompletableFuture.failedFuture(new IllegalStateException("declined")), ResultCodec.utf8());
    assertThatThrownBy(() -> get(failing)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("declined");
    assertThat(store.find(key)).isEmpty();
    assertThat(chargeAsync()).isEqualTo(new Outcome.Executed<>("charge-1", Completion.STORED));
  }

  @Test
  void storeDownFailsTheStageWithStoreUnavailableAndTheWorkDoesNotRun() {
    store.down.set(true);
    assertThatThrownBy(this::chargeAsync).hasCauseInstanceOf(StoreUnavailableException.class);
    assertThat(runs).hasValue(0);
  }

  @Test
  void resultTooLargeToKeepIsReplayedAsItsSummaryOnBothPaths() throws Exception {
    Attempt attempt = ((Admission.Proceed) get(engine.beginAsync(key, request))).attempt();
    assertThat(get(attempt.completeWithoutResultAsync(new byte[] {1, 2}))).isEqualTo(Completion.STORED);
    Admission replay = engine.begin(key, request);
    assertThat(replay).isInstanceOf(Admission.ReplayWithoutResult.class);
    assertThat(((Admission.ReplayWithoutResult) replay).summary()).containsExactly(1, 2);
    assertThat(engine.execute(key, request, () -> "again", ResultCodec.utf8()))
        .isInstanceOf(Outcome.ReplayedWithoutResult.class);
  }
}
