package io.idem.spring.web;

import io.idem.Idempotency;
import io.idem.http.HttpIdempotency;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.spring.Idempotent;
import io.idem.spring.internal.IdempotentSettings;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Which {@link HttpIdempotency} a web request goes through, for the MVC filter and the WebFlux
 * WebFilter alike: the configured one, or for a handler annotated {@link Idempotent} one with the
 * annotation's settings (its method covered, the key required, its namespace, its lease and
 * retention on an engine of its own). Built once per distinct annotation and method, then reused.
 */
public final class IdempotentRoutes {

  private final HttpIdempotency configured;
  private final Supplier<HttpIdempotencyConfig.Builder> configBuilder;
  private final boolean onlyAnnotated;
  private final IdempotentSettings settings;
  private final ConcurrentMap<Route, HttpIdempotency> annotated = new ConcurrentHashMap<>();

  /**
   * @param configBuilder a new builder holding the configured HTTP settings, each time it is called
   * @param onlyAnnotated whether requests to handlers without {@link Idempotent} pass untouched
   */
  public IdempotentRoutes(Idempotency engine, Supplier<HttpIdempotencyConfig.Builder> configBuilder,
      boolean onlyAnnotated, IdempotentSettings settings) {
    this.configured = HttpIdempotency.create(engine, configBuilder.get().build());
    this.configBuilder = configBuilder;
    this.onlyAnnotated = onlyAnnotated;
    this.settings = settings;
  }

  /** The HTTP semantics for a request to a handler with {@code annotation} (null: none); null to pass it untouched. */
  public @Nullable HttpIdempotency forHandler(@Nullable Idempotent annotation, String method) {
    if (annotation == null) {
      return onlyAnnotated ? null : configured;
    }
    return annotated.computeIfAbsent(new Route(annotation, method.toUpperCase(Locale.ROOT)), this::build);
  }

  /**
   * Builds the routes of a handler at start-up, so that an annotation with a bad value stops the
   * application rather than failing its first request.
   *
   * @throws IllegalStateException naming the handler and what is wrong
   */
  public void check(Idempotent annotation, Collection<String> methods, String handler) {
    try {
      for (String method : methods) {
        forHandler(annotation, method);
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("@Idempotent on " + handler + ": " + e.getMessage(), e);
    }
  }

  private HttpIdempotency build(Route route) {
    Idempotent annotation = route.annotation();
    HttpIdempotencyConfig base = configured.config();
    Set<String> methods = new LinkedHashSet<>(base.methods());
    methods.add(route.method());
    HttpIdempotencyConfig.Builder builder = configBuilder.get().methods(methods.toArray(String[]::new));
    if (annotation.required()) {
      builder.requireKey(request -> true);
    }
    String namespace = settings.resolve(annotation.namespace());
    if (!namespace.isEmpty()) {
      builder.namespace(namespace);
    }
    Idempotency engine = settings.engineFor(annotation, configured.engine().config().inProgressWait());
    return HttpIdempotency.create(engine, builder.build());
  }

  private record Route(Idempotent annotation, String method) {}
}
