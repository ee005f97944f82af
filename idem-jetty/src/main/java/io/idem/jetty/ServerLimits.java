package io.idem.jetty;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;

/**
 * What every Jetty server Idem ships (the payments demo, the gateway) does so that a few slow or
 * greedy clients cannot take it offline, and so that every error it writes itself is problem+json:
 *
 * <ul>
 *   <li>a request's line and headers must arrive within {@link #headerTimeout()};</li>
 *   <li>a request body may keep its reader waiting at most {@link #bodyTimeout()}, plus one second per
 *       {@link #minBodyBytesPerSecond()} bytes received; past it the read fails with 408 and the
 *       connection is closed (a body trickled a byte at a time cannot hold a thread);</li>
 *   <li>at most {@link #maxConnectionsPerClient()} connections per client address and
 *       {@link #maxConnections()} in all; a connection idle for {@link #idleTimeout()} is closed;</li>
 *   <li>request headers up to {@link #maxRequestHeaderBytes()}, bodies up to
 *       {@link #maxRequestBodyBytes()} (431 and 413 past them);</li>
 *   <li>{@code TRACE} and {@code TRACK} answer 405: they echo {@code Authorization} and cookies;</li>
 *   <li>errors the server writes itself (a malformed request, a 404 from a context) are
 *       {@code application/problem+json}, without the server's messages.</li>
 * </ul>
 *
 * <p>Build the server (connectors, handler tree), then {@code ServerLimits.ofDefaults().applyTo(server)},
 * then start it. The per-client limit counts the address the connection comes from: behind a reverse
 * proxy every client shares the proxy's address, so raise it there (the proxy should limit clients).
 */
public final class ServerLimits {

  private static final Set<String> REFUSED_METHODS = Set.of("TRACE", "TRACK");

  private final Duration headerTimeout;
  private final Duration bodyTimeout;
  private final long minBodyBytesPerSecond;
  private final Duration idleTimeout;
  private final int maxConnections;
  private final int maxConnectionsPerClient;
  private final int maxRequestHeaderBytes;
  private final long maxRequestBodyBytes;
  private final String allowedMethods;

  private ServerLimits(Builder b) {
    this.headerTimeout = b.headerTimeout;
    this.bodyTimeout = b.bodyTimeout;
    this.minBodyBytesPerSecond = b.minBodyBytesPerSecond;
    this.idleTimeout = b.idleTimeout;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerClient = b.maxConnectionsPerClient;
    this.maxRequestHeaderBytes = b.maxRequestHeaderBytes;
    this.maxRequestBodyBytes = b.maxRequestBodyBytes;
    this.allowedMethods = b.allowedMethods;
  }

  /**
   * Headers within 10 s; a body may wait 10 s plus 1 s per 500 bytes (Apache {@code mod_reqtimeout}'s
   * rate; a shorter start because API requests are small); 32 connections per client, 2048 in all,
   * idle 30 s; 8 KiB of headers, 8 MiB of body.
   */
  public static ServerLimits ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  public Duration headerTimeout() {
    return headerTimeout;
  }

  public Duration bodyTimeout() {
    return bodyTimeout;
  }

  public long minBodyBytesPerSecond() {
    return minBodyBytesPerSecond;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public int maxConnections() {
    return maxConnections;
  }

  public int maxConnectionsPerClient() {
    return maxConnectionsPerClient;
  }

  public int maxRequestHeaderBytes() {
    return maxRequestHeaderBytes;
  }

  public long maxRequestBodyBytes() {
    return maxRequestBodyBytes;
  }

  /** The {@code Allow} header of the 405 that refused methods get. */
  public String allowedMethods() {
    return allowedMethods;
  }

  /**
   * Applies the limits to a server that has its connectors and handler and is not started yet: the
   * connectors get the timeouts and listeners, the handler is wrapped, every context and the server get
   * the problem+json error handler.
   *
   * @throws IllegalStateException when the server is started or has no connector or no handler
   */
  public void applyTo(Server server) {
    if (!server.isStopped()) {
      throw new IllegalStateException("apply the limits before the server starts");
    }
    Handler application = server.getHandler();
    if (application == null || server.getConnectors().length == 0) {
      throw new IllegalStateException("give the server its connectors and handler before applying the limits");
    }
    ClientConnectionLimit perClient = new ClientConnectionLimit(maxConnectionsPerClient, server.getThreadPool());
    HeaderReadDeadline headerDeadline = new HeaderReadDeadline(headerTimeout.toNanos(), server.getScheduler());
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof AbstractConnector abstractConnector) {
        abstractConnector.setIdleTimeout(idleTimeout.toMillis());
        abstractConnector.addEventListener(perClient);
        abstractConnector.addEventListener(headerDeadline);
      }
      HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
      if (http != null) {
        http.getHttpConfiguration().setRequestHeaderSize(maxRequestHeaderBytes);
      }
    }
    server.addBean(headerDeadline.sweeper());
    server.addBean(new ConnectionLimit(maxConnections, server));

    ProblemErrorHandler errors = new ProblemErrorHandler();
    server.setErrorHandler(errors);
    for (ContextHandler context : server.getDescendants(ContextHandler.class)) {
      context.setErrorHandler(errors);
    }
    server.setHandler((Handler) null);
    SizeLimitHandler sizeLimit = new SizeLimitHandler(maxRequestBodyBytes, -1);
    sizeLimit.setHandler(new BodyReadDeadlineHandler(application, bodyTimeout.toNanos(), minBodyBytesPerSecond));
    server.setHandler(new RefusedMethodsHandler(sizeLimit, REFUSED_METHODS, allowedMethods));
  }

  @Override
  public String toString() {
    return "ServerLimits[headerTimeout=" + headerTimeout + ", bodyTimeout=" + bodyTimeout + ", minBodyBytesPerSecond="
        + minBodyBytesPerSecond + ", idleTimeout=" + idleTimeout + ", maxConnections=" + maxConnections
        + ", maxConnectionsPerClient=" + maxConnectionsPerClient + ", maxRequestHeaderBytes=" + maxRequestHeaderBytes
        + ", maxRequestBodyBytes=" + maxRequestBodyBytes + "]";
  }

  /** Each setter checks its value at once and names it in the message. */
  public static final class Builder {
    private Duration headerTimeout = Duration.ofSeconds(10);
    private Duration bodyTimeout = Duration.ofSeconds(10);
    private long minBodyBytesPerSecond = 500;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int maxConnections = 2048;
    private int maxConnectionsPerClient = 32;
    private int maxRequestHeaderBytes = 8 * 1024;
    private long maxRequestBodyBytes = 8L * 1024 * 1024;
    private String allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    private Builder() {}

    /** How long a request's line and headers may take to arrive. */
    public Builder headerTimeout(Duration timeout) {
      this.headerTimeout = positive("headerTimeout", timeout);
      return this;
    }

    /** How long a request body may keep its reader waiting before the bytes it sends earn more time. */
    public Builder bodyTimeout(Duration timeout) {
      this.bodyTimeout = positive("bodyTimeout", timeout);
      return this;
    }

    /** Each this many bytes of body received earn one more second of waiting. */
    public Builder minBodyBytesPerSecond(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("minBodyBytesPerSecond must be at least 1, was " + bytes);
      }
      this.minBodyBytesPerSecond = bytes;
      return this;
    }

    /** A connection with no traffic for this long is closed. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    public Builder maxConnections(int max) {
      this.maxConnections = atLeastOne("maxConnections", max);
      return this;
    }

    public Builder maxConnectionsPerClient(int max) {
      this.maxConnectionsPerClient = atLeastOne("maxConnectionsPerClient", max);
      return this;
    }

    /** Request line and headers together; past it the request gets 431. */
    public Builder maxRequestHeaderBytes(int max) {
      if (max < 256) {
        throw new IllegalArgumentException("maxRequestHeaderBytes must be at least 256, was " + max);
      }
      this.maxRequestHeaderBytes = max;
      return this;
    }

    /** Past it the request gets 413. */
    public Builder maxRequestBodyBytes(long max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxRequestBodyBytes must not be negative, was " + max);
      }
      this.maxRequestBodyBytes = max;
      return this;
    }

    /** The methods the server serves, for the {@code Allow} header of the 405 that TRACE and TRACK get. */
    public Builder allowedMethods(String... methods) {
      Set<String> upper = Arrays.stream(methods).map(m -> m.trim().toUpperCase(Locale.ROOT))
          .collect(Collectors.toSet());
      if (upper.isEmpty() || upper.stream().anyMatch(m -> m.isEmpty() || REFUSED_METHODS.contains(m))) {
        throw new IllegalArgumentException("allowedMethods must be non-empty method names other than TRACE and "
            + "TRACK, was " + Arrays.toString(methods));
      }
      this.allowedMethods = Arrays.stream(methods).map(String::trim).collect(Collectors.joining(", "));
      return this;
    }

    public ServerLimits build() {
      return new ServerLimits(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }

    private static int atLeastOne(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, was " + value);
      }
      return value;
    }
  }
}
