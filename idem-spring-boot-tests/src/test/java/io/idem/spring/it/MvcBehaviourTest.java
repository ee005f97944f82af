package io.idem.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.idem.micrometer.IdemMetricNames;
import io.idem.spring.DuplicateInProgressException;
import io.idem.spring.it.app.PaymentEvents;
import io.idem.spring.it.app.PaymentEvents.PaymentEvent;
import io.idem.spring.it.app.PaymentEvents.Receipt;
import io.idem.spring.it.app.TestApp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Spring MVC on an embedded server: the behaviour table, @Idempotent bean methods, meters and health. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.main.web-application-type=servlet",
    "idem.http.require-key-on-paths=/required",
    "management.endpoints.web.exposure.include=health,metrics",
    "management.endpoint.health.show-details=always"})
@DirtiesContext // the last test stops this application's Redis
class MvcBehaviourTest extends HttpBehaviourContract {

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    storeOnOwnRedis(registry);
  }

  @Autowired
  PaymentEvents events;

  @Test
  void aListenerMethodCalledTwiceWithOneMessageRunsOnceAndReturnsTheSameResult() throws Exception {
    PaymentEvent event = new PaymentEvent(unique("evt"), 1250);
    int before = events.handled();

    Receipt first = events.onPayment(event);
    Receipt redelivered = events.onPayment(event);

    assertThat(redelivered).isEqualTo(first);
    assertThat(events.handled()).isEqualTo(before + 1);
    events.onRefund("refund-" + event.id());
    events.onRefund("refund-" + event.id());
    assertThat(events.handled()).isEqualTo(before + 2);
  }

  @Test
  void aDuplicateMessageWhileTheFirstRunsGetsATypedExceptionSoTheBrokerRedelivers() throws Exception {
    PaymentEvent event = new PaymentEvent(unique("evt"), 99);
    CountDownLatch started = events.holdNext();
    CompletableFuture<Receipt> first = CompletableFuture.supplyAsync(() -> call(event));
    assertThat(started.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> events.onPayment(event)).isInstanceOf(DuplicateInProgressException.class)
        .hasMessageContaining(event.id());
    events.release();
    assertThat(first.get().eventId()).isEqualTo(event.id());
    assertThat(events.onPayment(event)).isEqualTo(first.get());
  }

  @Test
  void actuatorListsIdemMetersWithTheirCounts() {
    double executed = requests("executed");
    double replayed = requests("replayed");
    String name = unique("metered");
    http().post("/orders/" + name, "k-" + name, "{}");
    http().post("/orders/" + name, "k-" + name, "{}");
    http().post("/orders/" + name, "k-" + name, "{}");

    assertThat(requests("executed")).isEqualTo(executed + 1);
    assertThat(requests("replayed")).isEqualTo(replayed + 2);
    String names = http().get("/actuator/metrics").body();
    assertThat(names).contains(IdemMetricNames.REQUESTS, IdemMetricNames.STORE_CALLS, IdemMetricNames.ATTEMPTS_ACTIVE,
        IdemMetricNames.LEASES_LOST, IdemMetricNames.RECORDS_EVICTED, IdemMetricNames.COMPLETIONS_DEFERRED,
        IdemMetricNames.ATTEMPTS_TIMED_OUT);
    assertThat(http().get("/actuator/metrics/" + IdemMetricNames.STORE_CALLS + "?tag=operation:reserve").body())
        .contains("\"COUNT\"");
  }

  /** Regression: MVC flushes bodies; a flushed 5xx reached the client before the key was released, and its retry got 409. */
  @Test
  void aRetryAfterAFlushedFailureRunsAgainRatherThanFindingTheKeyInProgress() {
    String name = unique("flushed");
    assertThat(http().post("/flushed-failure/" + name, "k-" + name, "{}").statusCode()).isEqualTo(500);
    HttpResponse<String> retry = http().post("/flushed-failure/" + name, "k-" + name, "{}");

    assertThat(retry.statusCode()).isEqualTo(500);
    assertThat(counters.runs(name)).isEqualTo(2);
  }

  @Test
  void healthShowsTheStore() {
    HttpResponse<String> health = http().get("/actuator/health/idem");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"", "RedisStore");
  }

  private double requests(String outcome) {
    String body = http().get("/actuator/metrics/" + IdemMetricNames.REQUESTS + "?tag=outcome:" + outcome).body();
    Matcher count = Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.E]+)").matcher(body);
    assertThat(count.find()).as(body).isTrue();
    return Double.parseDouble(count.group(1));
  }

  private Receipt call(PaymentEvent event) {
    try {
      return events.onPayment(event);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
