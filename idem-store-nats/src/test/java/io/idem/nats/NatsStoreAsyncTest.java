package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.testservers.NatsServer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the NATS store's asynchronous calls add to {@link io.idem.testkit.AsyncStoreContract} (which the
 * contract classes run): misuse throws at once, a closed store fails the stage.
 */
class NatsStoreAsyncTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Fingerprint FINGERPRINT = Fingerprint.of("POST", "/payments", "{\"amount\":100}");

  private static NatsStore store;
  private final String namespace = "async-" + UUID.randomUUID();

  @BeforeAll
  static void open() {
    store = NatsStore.create(NatsServer.sharedUrl());
  }

  @AfterAll
  static void close() {
    store.close();
  }

  @Test
  void argumentsThatAreNotAcceptableThrowAtOnceInsteadOfFailingTheStage() {
    IdempotencyKey key = IdempotencyKey.of(namespace, "bad");
    assertThatThrownBy(() -> store.reserveAsync(key, FINGERPRINT, LeaseToken.random(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease must be positive");
    assertThatThrownBy(() -> store.completeAsync(key, LeaseToken.random(), new byte[0], Duration.ofDays(3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max age");
    assertThatThrownBy(() -> store.completeAsync(key, null, new byte[0], MINUTE)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aClosedStoreFailsTheStageWithStoreUnavailable() {
    NatsStore closed = NatsStore.create(NatsServer.sharedUrl());
    closed.close();
    assertThat(failure(closed.findAsync(IdempotencyKey.of(namespace, "closed"))))
        .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
          assertThat(e.operation()).isEqualTo("find");
          assertThat(e).hasMessageContaining("closed");
        });
    assertThatThrownBy(() -> closed.purge(namespace)).isInstanceOf(StoreUnavailableException.class);
  }

  /** What the stage failed with, unwrapped; fails the test when it completed normally. */
  static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the stage completed normally");
  }
}
