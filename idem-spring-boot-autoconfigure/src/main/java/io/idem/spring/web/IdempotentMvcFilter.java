package io.idem.spring.web;

import io.idem.http.HttpIdempotency;
import io.idem.servlet.IdempotencyFilter;
import io.idem.spring.Idempotent;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Idem's servlet filter for Spring MVC: finds the handler a request is routed to, and hands the
 * request to {@link IdempotencyFilter} with the settings of that handler's {@link Idempotent} (or the
 * configured ones). Registered after Spring Security's filter chain, so the tenant is the
 * authenticated principal.
 */
public final class IdempotentMvcFilter implements Filter {

  private final IdempotentRoutes routes;
  private final Supplier<List<RequestMappingHandlerMapping>> mappings;

  public IdempotentMvcFilter(IdempotentRoutes routes, Supplier<List<RequestMappingHandlerMapping>> mappings) {
    this.routes = routes;
    this.mappings = mappings;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http) || request.getDispatcherType() != DispatcherType.REQUEST) {
      chain.doFilter(request, response);
      return;
    }
    HttpIdempotency idempotency = routes.forHandler(handlerAnnotation(http), http.getMethod());
    if (idempotency == null) {
      chain.doFilter(request, response);
      return;
    }
    if (http.getHeader(idempotency.config().headerName()) == null
        || !(response instanceof HttpServletResponse httpResponse)) {
      IdempotencyFilter.create(idempotency).doFilter(request, response, chain);
      return;
    }
    FlushHeldResponse held = new FlushHeldResponse(httpResponse);
    IdempotencyFilter.create(idempotency).doFilter(request, held, chain);
    if (!request.isAsyncStarted()) {
      held.release();
    }
  }

  /** The {@link Idempotent} of the handler method (or its class) the request goes to; null when none. */
  private Idempotent handlerAnnotation(HttpServletRequest request) {
    boolean parsedHere = !ServletRequestPathUtils.hasParsedRequestPath(request);
    if (parsedHere) {
      ServletRequestPathUtils.parseAndCache(request);
    }
    try {
      for (RequestMappingHandlerMapping mapping : mappings.get()) {
        HandlerExecutionChain handler = handlerOrNull(mapping, request);
        if (handler != null && handler.getHandler() instanceof HandlerMethod method) {
          return HandlerAnnotations.of(method);
        }
      }
      return null;
    } finally {
      if (parsedHere) {
        ServletRequestPathUtils.clearParsedRequestPath(request);
      }
    }
  }

  private static HandlerExecutionChain handlerOrNull(RequestMappingHandlerMapping mapping, HttpServletRequest request) {
    try {
      return mapping.getHandler(request);
    } catch (Exception e) {
      return null; // no handler takes this method or media type: the dispatcher will answer, not a handler of ours
    }
  }
}
