package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which clock ends a lease (decision 0502), what an older server (2.9, no per-message TTL) keeps of
 * expired records, and which server versions get which treatment.
 */
class NatsStoreExpiryTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Fingerprint FINGERPRINT = Fingerprint.of("r");

  private static Connection connection;
  private static NatsStore store;
  private final String namespace = "expiry-" + UUID.randomUUID();

  @BeforeAll
  static void open() throws Exception {
    connection = Nats.connect(NatsServer.sharedUrl());
    store = NatsStore.create(connection);
  }

  @AfterAll
  static void close() throws InterruptedException {
    store.close();
    connection.close();
  }

  @Test
  void perMessageTtlIsUsedOnlyFromServer211On() {
    assertThat(BucketSetup.serverHonoursMessageTtl("2.9.10")).isFalse();
    assertThat(BucketSetup.serverHonoursMessageTtl("2.10.22")).isFalse();
    assertThat(BucketSetup.serverHonoursMessageTtl("2.11.0")).isTrue();
    assertThat(BucketSetup.serverHonoursMessageTtl("2.12.1")).isTrue();
    assertThat(BucketSetup.serverHonoursMessageTtl(null)).isFalse();
  }

  @Test
  void compareAndSetIsGuardedByMessageIdsOnlyBeforeServer2921() {
    assertThat(BucketSetup.serverSerialisesClusteredCas("2.9.10")).isFalse();
    assertThat(BucketSetup.serverSerialisesClusteredCas("2.9.20")).isFalse();
    assertThat(BucketSetup.serverSerialisesClusteredCas("2.9.21")).isTrue();
    assertThat(BucketSetup.serverSerialisesClusteredCas("2.10.0")).isTrue();
  }

  @Test
  void onAnOlderServerAnExpiredRecordStaysUntilMaxAgeButReadsAsAbsent() throws Exception {
    String version = connection.getServerInfo().getVersion();
    org.junit.jupiter.api.Assumptions.assumeFalse(BucketSetup.serverHonoursMessageTtl(version),
        "the server is " + version + ", which expires records by itself");
    assertThat(store.serverExpiresRecords()).isFalse();
    assertThat(connection.keyValueManagement().getStatus(store.bucket()).getTtl())
        .as("the bucket's max age bounds the garbage").isEqualTo(NatsStore.DEFAULT_MAX_AGE);

    IdempotencyKey key = IdempotencyKey.of(namespace, "short");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, FINGERPRINT, token, Duration.ofMillis(300));
    Message entry = directGet(NatsKeys.of(key));
    assertThat(entry.getHeaders().get("Nats-TTL")).as("no per-message TTL is sent to this server").isNull();

    await().atMost(Duration.ofSeconds(10)).until(() -> store.find(key).isEmpty());
    assertThat(directGet(NatsKeys.of(key)).getData()).as("the server still keeps the bytes")
        .isEqualTo(entry.getData());
    assertThat(store.complete(key, token, new byte[0], MINUTE)).as("an expired lease cannot complete").isFalse();
  }

  @Test
  void aReaderWhoseClockRunsAheadTakesOverEarlyButTheHoldersLateCompletionIsStillRefused() {
    Clock tenMinutesAhead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
    try (NatsStore skewed = NatsStore.builder(connection).clock(tenMinutesAhead).build()) {
      IdempotencyKey key = IdempotencyKey.of(namespace, "skew");
      LeaseToken holder = LeaseToken.random();
      assertThat(store.reserve(key, FINGERPRINT, holder, Duration.ofMinutes(5))).isEqualTo(Reservation.acquired(holder));

      // The lease counts from the server's timestamp; by the skewed clock it ended five minutes ago.
      LeaseToken early = LeaseToken.random();
      assertThat(skewed.reserve(key, FINGERPRINT, early, Duration.ofMinutes(5))).isEqualTo(Reservation.acquired(early));

      assertThat(store.complete(key, holder, new byte[] {1}, MINUTE)).as("fencing holds whatever the clocks").isFalse();
      assertThat(skewed.complete(key, early, new byte[] {2}, MINUTE)).isTrue();
      assertThat(store.find(key)).contains(new StoredRecord.Completed(FINGERPRINT, new byte[] {2}));
    }
  }

  @Test
  void aReaderWhoseClockLagsSeesTheLeaseLongerAndNeverTakesOverEarly() {
    Clock tenMinutesBehind = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
    try (NatsStore lagging = NatsStore.builder(connection).clock(tenMinutesBehind).build()) {
      IdempotencyKey key = IdempotencyKey.of(namespace, "lag");
      LeaseToken holder = LeaseToken.random();
      store.reserve(key, FINGERPRINT, holder, Duration.ofMillis(300));
      await().atMost(Duration.ofSeconds(10)).until(() -> store.find(key).isEmpty());

      assertThat(lagging.reserve(key, FINGERPRINT, LeaseToken.random(), MINUTE))
          .isEqualTo(Reservation.found(new StoredRecord.InProgress(FINGERPRINT)));
    }
  }

  private static Message directGet(String natsKey) throws Exception {
    String subject = "$JS.API.DIRECT.GET.KV_" + store.bucket() + ".$KV." + store.bucket() + "." + natsKey;
    return connection.request(subject, null, Duration.ofSeconds(5));
  }
}
