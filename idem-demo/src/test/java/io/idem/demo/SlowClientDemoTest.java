package io.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Regression for the slow-body attack: 256 connections each send a keyed POST and then trickle its
 * body a byte a second, so each would hold a server thread while Idem reads the body. The demo must
 * still answer another client, and must cut every trickling connection. Loopback only; the attack
 * is bounded (a minute per connection at most).
 */
class SlowClientDemoTest {

  private static final int ATTACKERS = 256;
  private static final String ATTACKER_ADDRESS = "127.0.0.2";

  @Test
  void slowBodiesCannotTakeTheDemoOfflineAndAreCut() throws Exception {
    ExecutorService attack = Executors.newFixedThreadPool(ATTACKERS);
    try (DemoServer demo = DemoServer.start(DemoOptions.defaults().withPort(0))) {
      CountDownLatch headersSent = new CountDownLatch(ATTACKERS);
      List<Future<Boolean>> cut = new ArrayList<>();
      for (int i = 0; i < ATTACKERS; i++) {
        String key = "slow-" + i;
        cut.add(attack.submit(() -> trickle(demo.port(), key, headersSent)));
      }
      assertThat(headersSent.await(60, TimeUnit.SECONDS)).isTrue();
      // Let the requests reach the filter, which blocks reading their bodies.
      Thread.sleep(2_000);

      HttpResponse<String> probe = new DemoClient(demo.port()).get(null, "/healthz");

      assertThat(probe.statusCode()).as("the probe was answered while the bodies trickled").isEqualTo(200);
      for (Future<Boolean> connection : cut) {
        assertThat(connection.get(120, TimeUnit.SECONDS)).as("a trickling connection was cut").isTrue();
      }
    } finally {
      attack.shutdownNow();
      assertThat(attack.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** True when the server cut the connection before the body (a minute's worth) was complete. */
  private static boolean trickle(int port, String key, CountDownLatch headersSent) {
    boolean counted = false;
    try (RawClient client = new RawClient(ATTACKER_ADDRESS, port)) {
      try {
        client.send(RawClient.head("POST", "/payments", 10_000, "Idempotency-Key: " + key) + "{");
      } finally {
        headersSent.countDown();
        counted = true;
      }
      return client.trickleIsCut("\"amount\": 1000000000000, \"currency\": \"EUR\", \"description\": \"", 1_000);
    } catch (IOException e) {
      if (!counted) {
        headersSent.countDown();
      }
      return true;
    }
  }
}
