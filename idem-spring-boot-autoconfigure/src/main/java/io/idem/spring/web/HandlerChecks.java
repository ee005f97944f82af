package io.idem.spring.web;

import io.idem.spring.Idempotent;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;

/** Start-up check of every {@link Idempotent} handler a mapping knows, for MVC and WebFlux alike. */
public final class HandlerChecks {

  private HandlerChecks() {}

  /**
   * {@code mappings}: a handler mapping's handler methods by mapping info (MVC's or WebFlux's
   * {@code RequestMappingInfo}); {@code methodsOf}: the HTTP methods an info maps (empty: any). A
   * handler mapped several times is checked once, for all its methods.
   */
  public static <I> void check(IdempotentRoutes routes, Map<I, HandlerMethod> mappings,
      Function<I, Set<RequestMethod>> methodsOf) {
    Map<HandlerMethod, Set<RequestMethod>> handlers = new LinkedHashMap<>();
    mappings.forEach((info, handler) -> handlers.computeIfAbsent(handler, h -> new LinkedHashSet<>())
        .addAll(methodsOf.apply(info)));
    handlers.forEach((handler, methods) -> {
      Idempotent annotation = HandlerAnnotations.of(handler);
      if (annotation != null) {
        List<String> names = methods.isEmpty() ? List.of("POST") : methods.stream().map(RequestMethod::name).toList();
        routes.check(annotation, names, handler.toString());
      }
    });
  }
}
