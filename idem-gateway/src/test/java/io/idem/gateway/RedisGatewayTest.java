package io.idem.gateway;

import static io.idem.gateway.Http.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.idem.testservers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The gateway on a real Redis: an outage, two instances sharing the store, what the store holds, health. */
class RedisGatewayTest {

  private static GatewayServer gateway(String upstream, String store, int adminPort) throws Exception {
    GatewayOptions defaults = GatewayOptions.defaults(URI.create(upstream));
    return GatewayServer.start(new GatewayOptions(0, defaults.upstream(), List.of(), store, defaults.lease(),
        defaults.retention(), List.of("/payments"), new TenantScope.AuthorizationHash(), adminPort,
        defaults.upstreamTimeout(), "gateway-redis", 32));
  }

  @Test
  void aStoreOutageIs503WithRetryAfterWithoutReachingTheUpstreamAndHealthSaysSo() throws Exception {
    try (RedisServer redis = RedisServer.start();
        TestUpstream upstream = TestUpstream.start();
        GatewayServer gateway = gateway(upstream.url(), redis.url(), 0)) {
      Http http = new Http(gateway.port());
      Http admin = new Http(gateway.adminPort());
      assertThat(http.post("/payments", "{}", "Idempotency-Key", "before").statusCode()).isEqualTo(201);
      assertThat(admin.get("/healthz").statusCode()).isEqualTo(200);

      redis.stop();
      HttpResponse<byte[]> down = http.post("/payments", "{}", "Idempotency-Key", "during");
      HttpResponse<byte[]> health = admin.get("/healthz");

      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.headers().firstValue("Retry-After")).isPresent();
      assertThat(down.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(text(down)).contains("store-unavailable");
      assertThat(upstream.acted()).as("nothing forwarded while the store was down").isEqualTo(1);
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(text(health)).contains("store-unavailable");

      redis.restart();
      HttpResponse<byte[]> back = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> http.post("/payments", "{}", "Idempotency-Key", "after"), r -> r.statusCode() != 503);
      assertThat(back.statusCode()).isEqualTo(201);
      assertThat(upstream.acted()).isEqualTo(2);
    }
  }

  @Test
  void twoGatewaysOnOneStoreShareKeys() throws Exception {
    String store = RedisServer.sharedUrl();
    String key = UUID.randomUUID().toString();
    String other = UUID.randomUUID().toString();
    try (TestUpstream upstream = TestUpstream.start();
        GatewayServer a = gateway(upstream.url(), store, GatewayOptions.NO_ADMIN_PORT);
        GatewayServer b = gateway(upstream.url(), store, GatewayOptions.NO_ADMIN_PORT)) {
      Http viaA = new Http(a.port());
      Http viaB = new Http(b.port());

      HttpResponse<byte[]> created = viaA.post("/payments", "{\"amount\":1}", "Idempotency-Key", key);
      // The answer reaches the client while Redis takes it: until then the key is still in progress (409).
      HttpResponse<byte[]> replayed = await().until(
          () -> viaB.post("/payments", "{\"amount\":1}", "Idempotency-Key", key), r -> r.statusCode() != 409);
      HttpResponse<byte[]> mismatch = viaB.post("/payments", "{\"amount\":2}", "Idempotency-Key", key);

      assertThat(replayed.body()).isEqualTo(created.body());
      assertThat(replayed.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(mismatch.statusCode()).isEqualTo(422);

      upstream.hold();
      CompletableFuture<HttpResponse<byte[]>> running = viaA.postAsync("/payments", "{}", "Idempotency-Key", other);
      await().until(() -> upstream.waiting() == 1);
      HttpResponse<byte[]> duplicate = viaB.post("/payments", "{}", "Idempotency-Key", other);
      upstream.release();

      assertThat(duplicate.statusCode()).isEqualTo(409);
      assertThat(running.get().statusCode()).isEqualTo(201);
      assertThat(upstream.acted()).isEqualTo(2);
    }
  }

  @Test
  void theApiKeyIsNeverWrittenToTheStoreInTheClear() throws Exception {
    String apiKey = "sk_live_" + UUID.randomUUID().toString().replace("-", "");
    try (RedisServer redis = RedisServer.start();
        TestUpstream upstream = TestUpstream.start();
        GatewayServer gateway = gateway(upstream.url(), redis.url(), GatewayOptions.NO_ADMIN_PORT)) {
      HttpResponse<byte[]> created = new Http(gateway.port()).post("/payments", "{}", "Idempotency-Key", "k1",
          "Authorization", "Bearer " + apiKey);
      assertThat(created.statusCode()).isEqualTo(201);

      // The answer is stored while it goes to the client: wait until the record holds it.
      String[] stored = await().until(() -> storeContents(redis.url()), contents -> contents[1].contains("pay_1"));
      assertThat(stored[0]).contains("k1").doesNotContain(apiKey).doesNotContain("sk_live");
      assertThat(stored[1]).contains("pay_1").doesNotContain(apiKey).doesNotContain("sk_live");
    }
  }

  /** Every key and every value in the Redis server, as text: [keys, values]. */
  private static String[] storeContents(String url) {
    StringBuilder keys = new StringBuilder();
    StringBuilder values = new StringBuilder();
    RedisClient client = RedisClient.create(url);
    try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
      for (byte[] name : connection.sync().keys("*".getBytes(StandardCharsets.UTF_8))) {
        keys.append(new String(name, StandardCharsets.ISO_8859_1)).append('\n');
        values.append(new String(connection.sync().get(name), StandardCharsets.ISO_8859_1));
      }
    } finally {
      client.shutdown();
    }
    return new String[] {keys.toString(), values.toString()};
  }
}
