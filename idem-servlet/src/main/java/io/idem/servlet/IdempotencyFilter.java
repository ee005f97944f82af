package io.idem.servlet;

import io.idem.Idempotency;
import io.idem.http.StoredResponse;
import io.idem.http.StoredResponse.Header;
import io.idem.http.HttpAttempt;
import io.idem.http.HttpDecision;
import io.idem.http.HttpIdempotency;
import io.idem.http.HttpIdempotencyConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Applies {@code Idempotency-Key} semantics ({@link HttpIdempotency}) to every request it filters,
 * for synchronous and asynchronous servlets alike.
 *
 * <p>Programmatically: {@code IdempotencyFilter.create(engine, HttpIdempotencyConfig.custom()...build())}.
 * In {@code web.xml}: declare the class and put an {@link Idempotency} engine in the servlet context
 * attribute named by the init-param {@value InitParams#ENGINE_ATTRIBUTE} (default
 * {@value InitParams#DEFAULT_ENGINE_ATTRIBUTE}) before the filter starts; the other init-params are
 * listed in {@link InitParams}.
 *
 * <p>Guarantees: the request body is read at most once, only when a covered request needs its
 * fingerprint, and handed on intact; the response streams to the client as the handler writes and
 * flushes it, while up to the stored-size limit is copied; for an async request the attempt finishes
 * in {@code AsyncListener.onComplete} (and the key is released on timeout or error). Only the
 * initial {@link DispatcherType#REQUEST} dispatch is handled; async and error dispatches pass through.
 */
public final class IdempotencyFilter implements Filter {

  private volatile HttpIdempotency http;

  /** For {@code web.xml}: configured from init-params in {@link #init(FilterConfig)}. */
  public IdempotencyFilter() {}

  private IdempotencyFilter(HttpIdempotency http) {
    this.http = Objects.requireNonNull(http, "http");
  }

  public static IdempotencyFilter create(HttpIdempotency http) {
    return new IdempotencyFilter(http);
  }

  public static IdempotencyFilter create(Idempotency engine, HttpIdempotencyConfig config) {
    return new IdempotencyFilter(HttpIdempotency.create(engine, config));
  }

  @Override
  public void init(FilterConfig filterConfig) throws ServletException {
    if (http == null) {
      http = InitParams.read(filterConfig);
    }
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest httpRequest) || !(response instanceof HttpServletResponse httpResponse)
        || request.getDispatcherType() != DispatcherType.REQUEST) {
      chain.doFilter(request, response);
      return;
    }
    HttpIdempotency idempotency = http;
    if (idempotency == null) {
      throw new ServletException("IdempotencyFilter was not initialised: create it with IdempotencyFilter.create(..) "
          + "or let the container call init()");
    }
    ServletRequestView view = new ServletRequestView(httpRequest, idempotency.config().maxRequestBodyBytes());
    HttpDecision decision = idempotency.begin(view);
    if (decision instanceof HttpDecision.Respond respond) {
      send(respond.response(), httpResponse);
    } else if (decision instanceof HttpDecision.Execute execute) {
      execute(execute.attempt(), view, httpRequest, httpResponse, chain);
    } else {
      byte[] body = view.bodyIfRead();
      chain.doFilter(body == null ? request : new ExchangeRequest(httpRequest, body, response, null), response);
    }
  }

  private static void execute(HttpAttempt attempt, ServletRequestView view, HttpServletRequest request,
      HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
    CapturingResponse capturing = new CapturingResponse(response, attempt.maxStoredResponseBytes());
    ExchangeRequest exchange = new ExchangeRequest(request, view.bodyIfRead(), capturing,
        new FinishOnAsyncEnd(attempt, capturing));
    try {
      chain.doFilter(exchange, capturing);
    } catch (IOException | ServletException | RuntimeException | Error failure) {
      attempt.fail(failure);
      throw failure;
    }
    if (!exchange.asyncStarted()) {
      finish(attempt, capturing);
    }
  }

  static void finish(HttpAttempt attempt, CapturingResponse capturing) {
    if (capturing.errorSent()) {
      attempt.abandon();
      return;
    }
    attempt.finish(capturing.getStatus(), capturing.capturedHeaders(), capturing.capturedBody(),
        capturing.bodyComplete());
  }

  private static void send(StoredResponse answer, HttpServletResponse response) throws IOException {
    response.setStatus(answer.status());
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Header header : answer.headers()) {
      // The first value replaces what the container set by default (Server, say), so a replay does not repeat it.
      if (seen.add(header.name().toLowerCase(java.util.Locale.ROOT))) {
        response.setHeader(header.name(), header.value());
      } else {
        response.addHeader(header.name(), header.value());
      }
    }
    response.setContentLength(answer.body().length);
    response.getOutputStream().write(answer.body());
  }

  @Override
  public void destroy() {
    // The engine and its store belong to whoever created them.
  }
}
