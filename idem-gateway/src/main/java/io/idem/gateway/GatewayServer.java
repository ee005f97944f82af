package io.idem.gateway;

import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.http.HttpIdempotency;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.jetty.ServerLimits;
import io.idem.micrometer.IdempotencyMetrics;
import io.idem.spi.IdempotencyStore;
import io.idem.storeuri.StoreUri;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The gateway: a Jetty server whose handler applies Idem's HTTP semantics and forwards to the upstream
 * with Jetty's HTTP client, the store the options name, the engine, and (with an admin port) health and
 * Prometheus metrics. Closing it stops all of them.
 */
public final class GatewayServer implements AutoCloseable {

  /** The least time a held key waits for a late upstream answer; at least the lease. */
  static final Duration ATTEMPT_TIME_LIMIT = Duration.ofMinutes(10);

  private final Server server;
  private final HttpClient client;
  private final Idempotency engine;
  private final IdempotencyStore store;
  private final ServerConnector proxyConnector;
  private final ServerConnector adminConnector;

  private GatewayServer(Server server, HttpClient client, Idempotency engine, IdempotencyStore store,
      ServerConnector proxyConnector, ServerConnector adminConnector) {
    this.server = server;
    this.client = client;
    this.engine = engine;
    this.store = store;
    this.proxyConnector = proxyConnector;
    this.adminConnector = adminConnector;
  }

  /** Starts the gateway with the default server limits, but the options' connections per client. */
  public static GatewayServer start(GatewayOptions options) throws Exception {
    return start(options, ServerLimits.custom().maxConnectionsPerClient(options.connectionsPerClient()).build());
  }

  public static GatewayServer start(GatewayOptions options, ServerLimits limits) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IdempotencyStore store = StoreUri.open(options.store());
    Idempotency engine = null;
    HttpClient client = null;
    Server server = null;
    try {
      Duration attemptLimit = options.lease().compareTo(ATTEMPT_TIME_LIMIT) > 0 ? options.lease() : ATTEMPT_TIME_LIMIT;
      engine = Idempotency.create(store, IdempotencyConfig.custom()
          .lease(options.lease())
          .retention(options.retention())
          .attemptTimeLimit(attemptLimit)
          .listener(IdempotencyMetrics.register(registry))
          .build());
      HttpIdempotency http = HttpIdempotency.create(engine, HttpIdempotencyConfig.custom()
          .namespace(options.namespace())
          .requireKeyOnPaths(options.requireKey().toArray(String[]::new))
          .tenantResolver(options.tenant().resolver())
          .build());
      client = upstreamClient();
      client.start();

      QueuedThreadPool threads = new QueuedThreadPool();
      threads.setName("idem-gateway");
      server = new Server(threads);
      ServerConnector proxyConnector = connector(server, options.port());
      ServerConnector adminConnector = options.adminPort() == GatewayOptions.NO_ADMIN_PORT ? null
          : connector(server, options.adminPort());
      Handler proxy = new GatewayHandler(http, new Routes(options.upstream(), options.routes()), client,
          options.upstreamTimeout(), attemptLimit, new GatewayMetrics(registry));
      server.setHandler(adminConnector == null ? proxy
          : new ByConnector(adminConnector, new AdminHandler(registry, store, options.namespace()), proxy));
      limits.applyTo(server);
      server.start();
      return new GatewayServer(server, client, engine, store, proxyConnector, adminConnector);
    } catch (Exception | Error e) {
      stopQuietly(server, client, engine, store, e);
      throw e;
    }
  }

  /**
   * A client that forwards and nothing more: no redirects followed, no cookies kept (they would leak
   * between clients), no decompression, no user agent of its own, no authentication or 100-continue
   * handling.
   */
  private static HttpClient upstreamClient() {
    HttpClient client = new HttpClient();
    client.setFollowRedirects(false);
    client.setHttpCookieStore(new HttpCookieStore.Empty());
    client.getContentDecoderFactories().clear();
    client.getProtocolHandlers().clear();
    client.setUserAgentField(null);
    client.setMaxConnectionsPerDestination(1024);
    client.setConnectTimeout(5_000);
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("idem-gateway-upstream");
    client.setExecutor(threads);
    return client;
  }

  private static ServerConnector connector(Server server, int port) {
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
    connector.setPort(port);
    server.addConnector(connector);
    return connector;
  }

  /** The proxy's port (the chosen one when started with port 0). */
  public int port() {
    return proxyConnector.getLocalPort();
  }

  /** The admin port, or -1 when there is none. */
  public int adminPort() {
    return adminConnector == null ? GatewayOptions.NO_ADMIN_PORT : adminConnector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    Exception failure = new Exception("stopping the gateway failed");
    stopQuietly(server, client, engine, store, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private static void stopQuietly(Server server, HttpClient client, Idempotency engine, IdempotencyStore store,
      Throwable failures) {
    AutoCloseable[] parts = {
        server == null ? null : server::stop,
        client == null ? null : client::stop,
        engine,
        store};
    for (AutoCloseable part : parts) {
      if (part != null) {
        try {
          part.close();
        } catch (Exception e) {
          failures.addSuppressed(e);
        }
      }
    }
  }
}
