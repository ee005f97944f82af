package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Admission;
import io.idem.Attempt;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.StoreUnavailableException;
import io.idem.testservers.MariaDbServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** MariaDB cannot notify: a watch is refused at once, and a waiting duplicate is answered by polling. */
class MariaDbWaitTest {

  @Test
  void watchIsRefusedAndTheWaiterPollsToItsAnswer() throws Exception {
    try (JdbcStore store = JdbcStore.builder(MariaDbServer.sharedUrl()).tableName("idem_wait").createIfMissing(true)
        .poolSize(2).build();
        Idempotency engine = Idempotency.create(store, IdempotencyConfig.custom()
            .waitForInProgress(Duration.ofSeconds(40)).inProgressPollInterval(Duration.ofMillis(20)).build())) {
      IdempotencyKey key = IdempotencyKey.of("wait", "polled");
      Attempt attempt = ((Admission.Proceed) engine.begin(key, Fingerprint.of("pay"))).attempt();
      assertThatThrownBy(() -> store.watch(key)).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("MariaDB send no notifications");

      CompletableFuture<Admission> waiter = engine.beginAsync(key, Fingerprint.of("pay")).toCompletableFuture();
      attempt.complete("paid".getBytes(StandardCharsets.UTF_8));
      assertThat(waiter.get(30, TimeUnit.SECONDS)).isInstanceOf(Admission.Replay.class);
    }
  }
}
