package io.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * The whole chain on a real Redis that goes away: the demo answers 503 problem+json with
 * {@code Retry-After} and does not run the handler (fail closed), and recovers by itself when Redis
 * is back on the same port, without a restart.
 */
class RedisOutageDemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void redisOutageAnswers503WithoutRunningTheHandlerAndRecoversWithoutRestart() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RedisServer redis = new RedisServer(port);
    redis.start();
    try (DemoServer demo = DemoServer.start(DemoOptions.defaults().withPort(0)
        .withStore("redis://127.0.0.1:" + port))) {
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

      redis = new RedisServer(port);
      redis.start();
      HttpResponse<String> back = awaitNot503(client, body);
      assertThat(back.statusCode()).isEqualTo(201);
      assertThat(JSON.readValue(client.get("outage", "/payments").body(), List.class)).hasSize(2);
    } finally {
      redis.stop();
    }
  }

  /** Lettuce reconnects in the background (at most a second apart); poll for a bounded time. */
  private static HttpResponse<String> awaitNot503(DemoClient client, String body) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    HttpResponse<String> response = client.create("outage", "after", body);
    while (response.statusCode() == 503 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      response = client.create("outage", "after", body);
    }
    return response;
  }
}
