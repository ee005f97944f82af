package io.idem.http;

import io.idem.IdempotencyKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * How the HTTP layer applies idempotency. Immutable; built once with {@link #custom()} or taken as
 * {@link #ofDefaults()}. Each setter rejects a bad value at once, naming it.
 *
 * <p>Defaults: header {@code Idempotency-Key}, namespace {@code http}, methods POST and PATCH, no
 * route requires a key, tenant = authenticated principal, fingerprint = method + path + query + body,
 * at most 1 MiB of response is stored, request bodies up to 8 MiB are
 * fingerprinted, fail closed, {@code Retry-After: 1} while in progress and {@code 5} when the store is
 * down. What a 5xx or a handler's exception does to the key is the engine's
 * {@link io.idem.IdempotencyConfig.FailurePolicy}, not a setting of this layer.
 */
public final class HttpIdempotencyConfig {

  public static final String DEFAULT_HEADER_NAME = "Idempotency-Key";
  public static final String DEFAULT_NAMESPACE = "http";
  public static final int DEFAULT_MAX_STORED_RESPONSE_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_REQUEST_BODY_BYTES = 8 * 1024 * 1024;
  /** The most a limit may be: adapters read one byte past it to detect a larger body, and arrays stay allocatable. */
  public static final int MAX_BUFFERED_BYTES = Integer.MAX_VALUE - 8;

  private final String headerName;
  private final String namespace;
  private final Set<String> methods;
  private final Predicate<HttpRequestView> keyRequired;
  private final TenantResolver tenantResolver;
  private final RequestFingerprinter fingerprinter;
  private final int maxStoredResponseBytes;
  private final int maxRequestBodyBytes;
  private final boolean failOpen;
  private final Duration inProgressRetryAfter;
  private final Duration unavailableRetryAfter;
  private final Duration maxPreferredWait;

  private HttpIdempotencyConfig(Builder b) {
    this.headerName = b.headerName;
    this.namespace = b.namespace;
    this.methods = b.methods;
    this.keyRequired = b.keyRequired;
    this.tenantResolver = b.tenantResolver;
    this.fingerprinter = b.fingerprinter;
    this.maxStoredResponseBytes = b.maxStoredResponseBytes;
    this.maxRequestBodyBytes = b.maxRequestBodyBytes;
    this.failOpen = b.failOpen;
    this.inProgressRetryAfter = b.inProgressRetryAfter;
    this.unavailableRetryAfter = b.unavailableRetryAfter;
    this.maxPreferredWait = b.maxPreferredWait;
  }

  public static HttpIdempotencyConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  public String headerName() {
    return headerName;
  }

  public String namespace() {
    return namespace;
  }

  /** Upper-case method names that Idem covers; every other method passes through untouched. */
  public Set<String> methods() {
    return methods;
  }

  /** Whether a covered request must carry a key (400 when it does not). */
  public boolean keyRequired(HttpRequestView request) {
    return keyRequired.test(request);
  }

  public TenantResolver tenantResolver() {
    return tenantResolver;
  }

  public RequestFingerprinter fingerprinter() {
    return fingerprinter;
  }

  /** The largest response body kept for replay; a larger one is sent in full but never replayed. */
  public int maxStoredResponseBytes() {
    return maxStoredResponseBytes;
  }

  /** The largest request body Idem buffers to fingerprint; a larger one is answered 413. */
  public int maxRequestBodyBytes() {
    return maxRequestBodyBytes;
  }

  /** Whether a request runs unprotected when the store is unreachable (default false: 503). */
  public boolean failOpen() {
    return failOpen;
  }

  public Duration inProgressRetryAfter() {
    return inProgressRetryAfter;
  }

  public Duration unavailableRetryAfter() {
    return unavailableRetryAfter;
  }

  /**
   * The longest a client may ask to wait for a running duplicate with {@code Prefer: wait=N} (RFC 7240);
   * zero (the default) ignores the preference and keeps the engine's configured wait.
   */
  public Duration maxPreferredWait() {
    return maxPreferredWait;
  }

  @Override
  public String toString() {
    return "HttpIdempotencyConfig[header=" + headerName + ", namespace=" + namespace + ", methods=" + methods
 + ", maxStoredResponseBytes=" + maxStoredResponseBytes
        + ", maxRequestBodyBytes=" + maxRequestBodyBytes + ", failOpen=" + failOpen + "]";
  }

  /** Builds an {@link HttpIdempotencyConfig}. */
  public static final class Builder {
    private String headerName = DEFAULT_HEADER_NAME;
    private String namespace = DEFAULT_NAMESPACE;
    private Set<String> methods = Set.of("POST", "PATCH");
    private Predicate<HttpRequestView> keyRequired = request -> false;
    private TenantResolver tenantResolver = TenantResolver.principal();
    private RequestFingerprinter fingerprinter = RequestFingerprinter.methodPathQueryBody();
    private int maxStoredResponseBytes = DEFAULT_MAX_STORED_RESPONSE_BYTES;
    private int maxRequestBodyBytes = DEFAULT_MAX_REQUEST_BODY_BYTES;
    private boolean failOpen;
    private Duration inProgressRetryAfter = Duration.ofSeconds(1);
    private Duration unavailableRetryAfter = Duration.ofSeconds(5);
    private Duration maxPreferredWait = Duration.ZERO;

    private Builder() {}

    /** The request header that carries the key. Default {@code Idempotency-Key}. */
    public Builder headerName(String headerName) {
      Objects.requireNonNull(headerName, "headerName");
      if (headerName.isEmpty() || !headerName.chars().allMatch(Builder::isTokenChar)) {
        throw new IllegalArgumentException("headerName must be a non-empty HTTP token, was \"" + headerName + "\"");
      }
      this.headerName = headerName;
      return this;
    }

    /** The namespace of every stored key, so several APIs can share one store. Default {@code http}. */
    public Builder namespace(String namespace) {
      IdempotencyKey.validateNamespace(namespace);
      this.namespace = namespace;
      return this;
    }

    /** The methods Idem covers, case-insensitive. Default POST and PATCH. */
    public Builder methods(String... methods) {
      if (methods.length == 0) {
        throw new IllegalArgumentException("methods must name at least one method");
      }
      this.methods = Arrays.stream(methods)
          .map(m -> {
            if (m == null || m.isEmpty() || !m.chars().allMatch(Builder::isTokenChar)) {
              throw new IllegalArgumentException("not an HTTP method: \"" + m + "\"");
            }
            return m.toUpperCase(Locale.ROOT);
          })
          .collect(Collectors.toUnmodifiableSet());
      return this;
    }

    /** Covered requests that match must carry a key: 400 otherwise. Default: none. */
    public Builder requireKey(Predicate<HttpRequestView> route) {
      this.keyRequired = Objects.requireNonNull(route, "requireKey");
      return this;
    }

    /** Covered requests whose path is one of these, or below one of them, must carry a key. */
    public Builder requireKeyOnPaths(String... paths) {
      List<String> prefixes = List.of(paths);
      for (String path : prefixes) {
        if (!path.startsWith("/")) {
          throw new IllegalArgumentException("a required path must start with '/', was \"" + path + "\"");
        }
      }
      return requireKey(request -> prefixes.stream().anyMatch(prefix -> isAtOrBelow(request.path(), prefix)));
    }

    public Builder tenantResolver(TenantResolver resolver) {
      this.tenantResolver = Objects.requireNonNull(resolver, "tenantResolver");
      return this;
    }

    public Builder fingerprinter(RequestFingerprinter fingerprinter) {
      this.fingerprinter = Objects.requireNonNull(fingerprinter, "fingerprinter");
      return this;
    }

    /** The largest response body kept for replay, at most {@code Integer.MAX_VALUE - 8}. Default 1 MiB. */
    public Builder maxStoredResponseBytes(int bytes) {
      if (bytes < 0 || bytes > MAX_BUFFERED_BYTES) {
        throw new IllegalArgumentException("maxStoredResponseBytes must be 0 to " + MAX_BUFFERED_BYTES + ", was "
            + bytes);
      }
      this.maxStoredResponseBytes = bytes;
      return this;
    }

    /** The largest request body buffered to fingerprint, at most {@code Integer.MAX_VALUE - 8}. Default 8 MiB. */
    public Builder maxRequestBodyBytes(int bytes) {
      if (bytes < 0 || bytes > MAX_BUFFERED_BYTES) {
        throw new IllegalArgumentException("maxRequestBodyBytes must be 0 to " + MAX_BUFFERED_BYTES + ", was " + bytes);
      }
      this.maxRequestBodyBytes = bytes;
      return this;
    }

    /** Run requests unprotected when the store is unreachable, instead of answering 503. Default false. */
    public Builder failOpen(boolean failOpen) {
      this.failOpen = failOpen;
      return this;
    }

    public Builder inProgressRetryAfter(Duration delay) {
      this.inProgressRetryAfter = positive("inProgressRetryAfter", delay);
      return this;
    }

    public Builder unavailableRetryAfter(Duration delay) {
      this.unavailableRetryAfter = positive("unavailableRetryAfter", delay);
      return this;
    }

    /** Honour {@code Prefer: wait=N} up to this long; zero (default) ignores it. At most 5 minutes. */
    public Builder maxPreferredWait(Duration max) {
      java.util.Objects.requireNonNull(max, "maxPreferredWait");
      if (max.isNegative() || max.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("maxPreferredWait must be 0 to 5 minutes, was " + max);
      }
      this.maxPreferredWait = max;
      return this;
    }

    public HttpIdempotencyConfig build() {
      return new HttpIdempotencyConfig(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }

    private static boolean isAtOrBelow(String path, String prefix) {
      String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
      return path.equals(base) || path.startsWith(base + "/") || (base.isEmpty() && path.startsWith("/"));
    }

    private static boolean isTokenChar(int c) {
      return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
  }
}
