package io.idem.spring.web;

import io.idem.spring.Idempotent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;

/** Start-up check of every {@link Idempotent} handler a mapping knows, for MVC and WebFlux alike. */
public final class HandlerChecks {

  private HandlerChecks() {}

  /** {@code handlers}: each handler method with the HTTP methods it is mapped to (empty: any). */
  public static void check(IdempotentRoutes routes, Map<HandlerMethod, Set<RequestMethod>> handlers) {
    handlers.forEach((handler, methods) -> {
      Idempotent annotation = HandlerAnnotations.of(handler);
      if (annotation != null) {
        List<String> names = methods.isEmpty() ? List.of("POST") : methods.stream().map(RequestMethod::name).toList();
        routes.check(annotation, names, handler.toString());
      }
    });
  }
}
