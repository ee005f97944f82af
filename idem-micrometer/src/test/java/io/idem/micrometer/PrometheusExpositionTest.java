package io.idem.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.ResultCodec;
import io.idem.memory.MemoryStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** What a Prometheus scrape of Idem's meters looks like: the names dashboards and alerts use. */
class PrometheusExpositionTest {

  @Test
  void scrapeNamesEveryMeterInPrometheusStyle() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MemoryStore store = MemoryStore.create();
        Idempotency engine = Idempotency.create(store,
            IdempotencyConfig.custom().listener(IdempotencyMetrics.register(registry)).build())) {
      IdempotencyKey key = IdempotencyKey.of("payments", "k1");
      engine.execute(key, Fingerprint.of("body"), () -> "ok", ResultCodec.utf8());
      engine.execute(key, Fingerprint.of("body"), () -> "ok", ResultCodec.utf8());
    }

    String scrape = registry.scrape();

    assertThat(scrape)
        .contains("idem_requests_total{outcome=\"executed\"} 1.0")
        .contains("idem_requests_total{outcome=\"replayed\"} 1.0")
        .contains("idem_store_calls_seconds_count{operation=\"reserve\",result=\"success\"} 2")
        .contains("idem_store_calls_seconds_count{operation=\"complete\",result=\"success\"} 1")
        .contains("idem_attempts_active 0.0")
        .contains("idem_leases_lost_total 0.0")
        .contains("idem_completions_deferred_total 0.0")
        .contains("idem_attempts_timed_out_total 0.0")
        .contains("idem_records_evicted_total 0.0");
  }
}
