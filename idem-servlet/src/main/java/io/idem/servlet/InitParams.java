package io.idem.servlet;

import io.idem.Idempotency;
import io.idem.http.HttpIdempotency;
import io.idem.http.HttpIdempotencyConfig;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The {@code web.xml} init-params of {@link IdempotencyFilter}. Each maps to one
 * {@link HttpIdempotencyConfig.Builder} setter; an unknown or bad value stops the filter from
 * starting, naming the parameter.
 */
final class InitParams {

  /** Name of the servlet context attribute that holds the {@link Idempotency} engine. */
  static final String ENGINE_ATTRIBUTE = "engine-attribute";
  static final String DEFAULT_ENGINE_ATTRIBUTE = "io.idem.Idempotency";
  static final String HEADER_NAME = "header-name";
  static final String NAMESPACE = "namespace";
  /** Comma-separated, e.g. {@code POST,PATCH,PUT}. */
  static final String METHODS = "methods";
  /** Comma-separated path prefixes that require a key, e.g. {@code /payments,/orders}. */
  static final String REQUIRED_PATHS = "required-paths";
  static final String MAX_STORED_RESPONSE_BYTES = "max-stored-response-bytes";
  static final String MAX_REQUEST_BODY_BYTES = "max-request-body-bytes";
  /** {@code true} or {@code false}. */
  static final String FAIL_OPEN = "fail-open";
  /** Whole seconds. */
  static final String IN_PROGRESS_RETRY_AFTER = "in-progress-retry-after-seconds";
  /** Whole seconds. */
  static final String UNAVAILABLE_RETRY_AFTER = "unavailable-retry-after-seconds";

  private static final java.util.List<String> KNOWN = java.util.List.of(ENGINE_ATTRIBUTE, HEADER_NAME, NAMESPACE,
      METHODS, REQUIRED_PATHS, MAX_STORED_RESPONSE_BYTES, MAX_REQUEST_BODY_BYTES, FAIL_OPEN, IN_PROGRESS_RETRY_AFTER,
      UNAVAILABLE_RETRY_AFTER);

  private InitParams() {}

  static HttpIdempotency read(FilterConfig filter) throws ServletException {
    String attribute = param(filter, ENGINE_ATTRIBUTE, DEFAULT_ENGINE_ATTRIBUTE);
    Object engine = filter.getServletContext().getAttribute(attribute);
    if (!(engine instanceof Idempotency idempotency)) {
      throw new ServletException("IdempotencyFilter needs an io.idem.Idempotency engine in the servlet context "
          + "attribute \"" + attribute + "\" (set it in a ServletContextListener); found "
          + (engine == null ? "nothing" : engine.getClass().getName()));
    }
    for (String given : java.util.Collections.list(filter.getInitParameterNames())) {
      if (!KNOWN.contains(given)) {
        throw new ServletException("IdempotencyFilter: unknown init-param \"" + given + "\"; known: "
            + String.join(", ", KNOWN) + " (what a failure does to the key is the engine's FailurePolicy)");
      }
    }
    HttpIdempotencyConfig.Builder config = HttpIdempotencyConfig.custom();
    String name = null;
    try {
      name = HEADER_NAME;
      String headerName = filter.getInitParameter(name);
      if (headerName != null) {
        config.headerName(headerName.trim());
      }
      name = NAMESPACE;
      String namespace = filter.getInitParameter(name);
      if (namespace != null) {
        config.namespace(namespace.trim());
      }
      name = METHODS;
      String methods = filter.getInitParameter(name);
      if (methods != null) {
        config.methods(list(methods));
      }
      name = REQUIRED_PATHS;
      String paths = filter.getInitParameter(name);
      if (paths != null) {
        config.requireKeyOnPaths(list(paths));
      }
      name = MAX_STORED_RESPONSE_BYTES;
      String maxStored = filter.getInitParameter(name);
      if (maxStored != null) {
        config.maxStoredResponseBytes(Integer.parseInt(maxStored.trim()));
      }
      name = MAX_REQUEST_BODY_BYTES;
      String maxRequest = filter.getInitParameter(name);
      if (maxRequest != null) {
        config.maxRequestBodyBytes(Integer.parseInt(maxRequest.trim()));
      }
      name = FAIL_OPEN;
      String failOpen = filter.getInitParameter(name);
      if (failOpen != null) {
        config.failOpen(bool(failOpen));
      }
      name = IN_PROGRESS_RETRY_AFTER;
      String inProgress = filter.getInitParameter(name);
      if (inProgress != null) {
        config.inProgressRetryAfter(Duration.ofSeconds(Long.parseLong(inProgress.trim())));
      }
      name = UNAVAILABLE_RETRY_AFTER;
      String unavailable = filter.getInitParameter(name);
      if (unavailable != null) {
        config.unavailableRetryAfter(Duration.ofSeconds(Long.parseLong(unavailable.trim())));
      }
    } catch (IllegalArgumentException e) {
      throw new ServletException("IdempotencyFilter init-param \"" + name + "\" = \"" + filter.getInitParameter(name)
          + "\" is not valid: " + e.getMessage(), e);
    }
    return HttpIdempotency.create(idempotency, config.build());
  }

  private static String param(FilterConfig filter, String name, String fallback) {
    String value = filter.getInitParameter(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static String[] list(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
  }

  private static boolean bool(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("expected true or false");
    }
    return Boolean.parseBoolean(v);
  }
}
