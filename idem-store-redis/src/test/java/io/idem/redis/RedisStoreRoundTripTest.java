package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testservers.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Round trips per operation, counted by the server ({@code INFO commandstats}), on a server of its own. */
class RedisStoreRoundTripTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static RedisServer server;
  private static RedisStore store;
  private static CommandStats stats;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    store = RedisStore.create(server.url());
    stats = new CommandStats(server.url());
  }

  @AfterAll
  static void stop() {
    stats.close();
    store.close();
    server.close();
  }

  /**
   * Has the server cache every script, so a count is not thrown off by a NOSCRIPT reload that an
   * earlier test (or a restart) caused.
   */
  @BeforeEach
  void cacheScripts() {
    IdempotencyKey absent = IdempotencyKey.of("round-trips", "absent");
    store.complete(absent, LeaseToken.random(), new byte[0], MINUTE);
    store.release(absent, LeaseToken.random());
    store.extend(absent, LeaseToken.random(), MINUTE);
  }

  @Test
  void newRequestCostsTwoRoundTripsReserveAndComplete() {
    IdempotencyKey key = IdempotencyKey.of("round-trips", "new");
    LeaseToken token = LeaseToken.random();

    Map<String, Long> before = stats.snapshot();
    assertThat(store.reserve(key, Fingerprint.of("r"), token, MINUTE)).isInstanceOf(Reservation.Acquired.class);
    assertThat(store.complete(key, token, "result".getBytes(StandardCharsets.UTF_8), MINUTE)).isTrue();
    Map<String, Long> after = stats.snapshot();

    assertThat(CommandStats.clientCommandsBetween(before, after)).isEqualTo(Map.of("set", 1L, "evalsha", 1L));
  }

  @Test
  void replayCostsOneRoundTripWhetherByReserveOrFind() {
    IdempotencyKey key = IdempotencyKey.of("round-trips", "replay");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, Fingerprint.of("r"), token, MINUTE);
    store.complete(key, token, "result".getBytes(StandardCharsets.UTF_8), MINUTE);

    Map<String, Long> beforeReserve = stats.snapshot();
    Reservation replay = store.reserve(key, Fingerprint.of("r"), LeaseToken.random(), MINUTE);
    Map<String, Long> afterReserve = stats.snapshot();
    assertThat(replay).isInstanceOf(Reservation.Found.class);
    assertThat(CommandStats.clientCommandsBetween(beforeReserve, afterReserve)).isEqualTo(Map.of("set", 1L));

    Map<String, Long> beforeFind = stats.snapshot();
    assertThat(store.find(key)).get().isInstanceOf(StoredRecord.Completed.class);
    Map<String, Long> afterFind = stats.snapshot();
    assertThat(CommandStats.clientCommandsBetween(beforeFind, afterFind)).isEqualTo(Map.of("get", 1L));
  }

  @Test
  void releaseAndExtendCostOneRoundTripEach() {
    IdempotencyKey key = IdempotencyKey.of("round-trips", "release");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, Fingerprint.of("r"), token, MINUTE);

    Map<String, Long> before = stats.snapshot();
    assertThat(store.extend(key, token, MINUTE)).isTrue();
    assertThat(store.release(key, token)).isTrue();
    Map<String, Long> after = stats.snapshot();

    assertThat(CommandStats.clientCommandsBetween(before, after)).isEqualTo(Map.of("evalsha", 2L));
  }

  @Test
  void forgottenScriptIsSentAgainAndStillFences() {
    IdempotencyKey key = IdempotencyKey.of("round-trips", "noscript");
    LeaseToken token = LeaseToken.random();
    store.reserve(key, Fingerprint.of("r"), token, MINUTE);
    try (var client = io.lettuce.core.RedisClient.create(server.url()); var connection = client.connect()) {
      connection.sync().scriptFlush();
    }

    assertThat(store.complete(key, LeaseToken.random(), new byte[0], MINUTE)).isFalse();
    assertThat(store.complete(key, token, "r".getBytes(StandardCharsets.UTF_8), MINUTE)).isTrue();
    assertThat(store.find(key)).contains(new StoredRecord.Completed(Fingerprint.of("r"), "r".getBytes(StandardCharsets.UTF_8)));
  }
}
