package io.idem.gateway;

import io.idem.http.HttpIdempotency;
import io.idem.http.StoredResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway adds to the engine's meters ({@code io.idem.micrometer}): every request it answers,
 * by outcome, as {@value #REQUESTS}{@code {outcome=..}}.
 */
final class GatewayMetrics {

  static final String REQUESTS = "idem.gateway.requests";
  static final String TAG_OUTCOME = "outcome";

  /** No key involved: forwarded and answered by the upstream. */
  static final String PASSED_THROUGH = "passed_through";
  /** Held a key, forwarded, the upstream's answer sent (and stored, or released by the failure policy). */
  static final String EXECUTED = "executed";
  /** Answered from the store. */
  static final String REPLAYED = "replayed";
  /** Answered with a problem before the upstream: missing or malformed key, in progress, key reused. */
  static final String REFUSED = "refused";
  /** 503: the store did not answer; nothing was forwarded. */
  static final String STORE_UNAVAILABLE = "store_unavailable";
  static final String UPSTREAM_UNREACHABLE = "upstream_unreachable";
  static final String UPSTREAM_FAILED = "upstream_failed";
  static final String UPSTREAM_TIMEOUT = "upstream_timeout";

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String outcome : new String[] {PASSED_THROUGH, EXECUTED, REPLAYED, REFUSED, STORE_UNAVAILABLE,
        UPSTREAM_UNREACHABLE, UPSTREAM_FAILED, UPSTREAM_TIMEOUT}) {
      counter(outcome);
    }
  }

  void outcome(String outcome) {
    counter(outcome).increment();
  }

  /** Counts an answer the gateway made itself: a replay, the store down, or another refusal. */
  void answered(StoredResponse answer) {
    outcome(!answer.headerValues(HttpIdempotency.REPLAYED_HEADER).isEmpty() ? REPLAYED
        : answer.status() == 503 ? STORE_UNAVAILABLE : REFUSED);
  }

  private Counter counter(String outcome) {
    return counters.computeIfAbsent(outcome, o -> Counter.builder(REQUESTS)
        .description("Requests the gateway answered, by outcome")
        .tag(TAG_OUTCOME, o)
        .register(registry));
  }
}
