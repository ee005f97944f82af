package io.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.idem.testservers.RedisServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole chain on a real Redis that goes away: the demo answers 503 problem+json with
 * {@code Retry-After} and does not run the handler (fail closed), and recovers by itself when Redis
 * is back on the same port, without a restart.
 */
class RedisOutageDemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void redisOutageAnswers503WithoutRunningTheHandlerAndRecoversWithoutRestart() throws Exception {
    try (RedisServer redis = RedisServer.start();
        DemoServer demo = DemoServer.start(DemoOptions.defaults().withPort(0).withStore(redis.url()))) {
      DemoClient client = new DemoClient(demo.port());
      String body = "{\"amount\": 700, \"currency\": \"EUR\"}";
      assertThat(client.create("outage", "before", body).statusCode()).isEqualTo(201);

      redis.stop();
      HttpResponse<String> down = client.create("outage", "during", body);
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("application/problem+json"));
      assertThat(down.headers().firstValue("Retry-After")).isPresent();
      assertThat(down.body()).contains("https://idem.io/problems/store-unavailable");
      assertThat(JSON.readValue(client.get("outage", "/payments").body(), List.class))
          .as("the handler did not run while the store was down").hasSize(1);

      redis.restart();
      HttpResponse<String> back = awaitNot503(client, body);
      assertThat(back.statusCode()).isEqualTo(201);
      assertThat(JSON.readValue(client.get("outage", "/payments").body(), List.class)).hasSize(2);
    }
  }

  /** Lettuce reconnects in the background (at most a second apart): retry until the store answers again. */
  private static HttpResponse<String> awaitNot503(DemoClient client, String body) {
    return await("the demo answering without 503 after Redis came back").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> client.create("outage", "after", body), response -> response.statusCode() != 503);
  }
}
