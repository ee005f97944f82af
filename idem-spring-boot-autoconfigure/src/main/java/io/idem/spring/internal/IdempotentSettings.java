package io.idem.spring.internal;

import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.spring.Idempotent;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.PropertyResolver;

/**
 * What an {@link Idempotent} annotation's lease and retention mean: placeholders resolved, Spring Boot
 * duration forms parsed, and the engine that runs with them. An annotation that changes neither uses
 * the application's engine; each other combination gets one engine of its own on the same store and
 * listener, closed with the application.
 */
public final class IdempotentSettings implements AutoCloseable {

  private final Idempotency engine;
  private final PropertyResolver placeholders;
  private final ConcurrentMap<EngineSettings, Idempotency> engines = new ConcurrentHashMap<>();

  public IdempotentSettings(Idempotency engine, PropertyResolver placeholders) {
    this.engine = engine;
    this.placeholders = placeholders;
  }

  /** The annotation value with {@code ${...}} placeholders resolved; empty stays empty. */
  public String resolve(String value) {
    return value.isEmpty() ? value : placeholders.resolveRequiredPlaceholders(value).trim();
  }

  /** The engine for the annotation's lease and retention, waiting for a running duplicate up to {@code wait}. */
  public Idempotency engineFor(Idempotent annotation, Duration wait) {
    IdempotencyConfig config = engine.config();
    Duration lease = duration("lease", annotation.lease(), config.lease());
    Duration retention = duration("retention", annotation.retention(), config.retention());
    EngineSettings wanted = new EngineSettings(lease, retention, wait);
    if (wanted.equals(new EngineSettings(config.lease(), config.retention(), config.inProgressWait()))) {
      return engine;
    }
    return engines.computeIfAbsent(wanted, s -> Idempotency.create(engine.store(),
        config.toBuilder().lease(s.lease()).retention(s.retention()).waitForInProgress(s.inProgressWait()).build()));
  }

  private Duration duration(String attribute, String value, Duration configured) {
    String resolved = resolve(value);
    if (resolved.isEmpty()) {
      return configured;
    }
    try {
      return DurationStyle.detectAndParse(resolved);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("@Idempotent(" + attribute + " = \"" + value + "\") is not a duration "
          + "(e.g. 30s, 24h, PT1M)", e);
    }
  }

  @Override
  public void close() {
    engines.values().forEach(Idempotency::close);
    engines.clear();
  }

  private record EngineSettings(Duration lease, Duration retention, Duration inProgressWait) {}
}
