package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.testservers.RedisServer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The blocking calls are the asynchronous ones awaited: against a frozen server (SIGSTOP) both faces
 * of a store on its own client fail alike, and a blocking caller that is interrupted gets
 * {@link StoreUnavailableException} with its interrupt flag kept.
 */
class RedisStoreOneCodePathTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private RedisServer server;
  private RedisStore store;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    store = RedisStore.builder(server.url()).commandTimeout(TIMEOUT).build();
  }

  @AfterEach
  void stop() {
    store.close();
    server.close();
  }

  @Test
  void frozenServerFailsBothFacesWithTheSameNoAnswerFailure() {
    // Regression: on its own client the stage used to fail with Lettuce's own timeout message, the
    // blocking call with the store's; one path gives one failure.
    IdempotencyKey key = IdempotencyKey.of("one-path", "frozen");
    assertThat(store.find(key)).as("connected before the freeze").isEmpty();
    server.freeze();
    try {
      StoreUnavailableException asynchronous = failureOf(
          store.reserveAsync(key, Fingerprint.of("r"), LeaseToken.random(), MINUTE));
      assertThat(asynchronous.operation()).isEqualTo("reserve");
      assertThat(asynchronous).hasMessageContaining("no answer from Redis within " + TIMEOUT);

      assertThatThrownBy(() -> store.reserve(key, Fingerprint.of("r"), LeaseToken.random(), MINUTE))
          .isInstanceOfSatisfying(StoreUnavailableException.class, blocking -> {
            assertThat(blocking.operation()).isEqualTo("reserve");
            assertThat(blocking).hasMessage(asynchronous.getMessage());
          });
      assertThatThrownBy(() -> store.extend(key, LeaseToken.random(), MINUTE))
          .isInstanceOfSatisfying(StoreUnavailableException.class,
              blocking -> assertThat(blocking.operation()).isEqualTo("extend"))
          .hasMessageContaining("no answer from Redis within");
    } finally {
      server.thaw();
    }
  }

  @Test
  void interruptedBlockingCallFailsAsStoreUnavailableAndKeepsTheInterrupt() {
    IdempotencyKey key = IdempotencyKey.of("one-path", "interrupted");
    assertThat(store.find(key)).as("connected before the freeze").isEmpty();
    server.freeze();
    try {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> store.find(key))
          .isInstanceOfSatisfying(StoreUnavailableException.class,
              e -> assertThat(e.operation()).isEqualTo("find"))
          .hasMessageContaining("interrupted");
      assertThat(Thread.interrupted()).as("the interrupt flag survives the call").isTrue();
    } finally {
      Thread.interrupted();
      server.thaw();
    }
  }

  private static StoreUnavailableException failureOf(CompletionStage<?> stage) {
    try {
      Object value = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected StoreUnavailableException, the stage answered " + value);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
      return (StoreUnavailableException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the stage did not fail in time", e);
    }
  }
}
