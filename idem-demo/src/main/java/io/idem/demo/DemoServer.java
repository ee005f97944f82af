package io.idem.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.jetty.ServerLimits;
import io.idem.servlet.IdempotencyFilter;
import io.idem.spi.IdempotencyStore;
import io.idem.storeuri.StoreUri;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The payments demo: embedded Jetty with idem-jetty's {@link ServerLimits} (slow and greedy clients
 * cannot take it offline, no TRACE, problem+json errors), the demo's bearer authentication, Idem's
 * filter on {@code /payments} (which requires {@code Idempotency-Key} on POST), the payments and
 * health servlets, and a 404 problem for every other path. Closing it stops Jetty, the engine and the
 * store.
 */
public final class DemoServer implements AutoCloseable {

  /** The namespace of the demo's keys in a shared store. */
  public static final String NAMESPACE = "payments-demo";

  /** The longest {@code Prefer: wait} the demo honours. */
  static final java.time.Duration MAX_PREFERRED_WAIT = java.time.Duration.ofSeconds(10);

  private final Server server;
  private final Idempotency engine;
  private final IdempotencyStore store;

  private DemoServer(Server server, Idempotency engine, IdempotencyStore store) {
    this.server = server;
    this.engine = engine;
    this.store = store;
  }

  /** Starts the demo with Idem in front of the payments API. */
  public static DemoServer start(DemoOptions options) throws Exception {
    return start(options, true);
  }

  /**
   * Starts the same server without Idem's filter (and without a store): the baseline that
   * benchmarks compare against. {@code POST /payments} then needs no key.
   */
  public static DemoServer startWithoutIdempotency(DemoOptions options) throws Exception {
    return start(options, false);
  }

  private static DemoServer start(DemoOptions options, boolean idempotent) throws Exception {
    ObjectMapper json = new ObjectMapper();
    IdempotencyStore store = idempotent ? openStore(options.store()) : null;
    Idempotency engine = null;
    Server server = new Server();
    try {
      ServerConnector connector = new ServerConnector(server);
      connector.setPort(options.port());
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      context.addFilter(new FilterHolder(new BearerPrincipalFilter(json)), "/*", EnumSet.of(DispatcherType.REQUEST));
      if (idempotent) {
        engine = Idempotency.create(store, IdempotencyConfig.custom()
            .lease(options.lease())
            .retention(options.retention())
            .build());
        IdempotencyFilter filter = IdempotencyFilter.create(engine, HttpIdempotencyConfig.custom()
            .namespace(NAMESPACE)
            .requireKeyOnPaths("/payments")
            // A client may wait for a running duplicate (Prefer: wait=N), up to 10 s (RFC 7240).
            .maxPreferredWait(MAX_PREFERRED_WAIT)
            .build());
        context.addFilter(new FilterHolder(filter), "/payments/*", EnumSet.of(DispatcherType.REQUEST));
      }
      context.addServlet(new ServletHolder(new PaymentsServlet(json, new Ledger())), "/payments/*");
      context.addServlet(new ServletHolder(new HealthServlet(json)), "/healthz");
      context.addServlet(new ServletHolder(new NotFoundServlet(json)), "/");
      server.setHandler(context);
      ServerLimits.custom().allowedMethods("GET", "HEAD", "POST", "OPTIONS").build().applyTo(server);
      try {
        server.start();
      } catch (IOException e) {
        throw StartFailure.listen(options.port(), e);
      }
      return new DemoServer(server, engine, store);
    } catch (Exception | Error e) {
      server.stop();
      if (engine != null) {
        engine.close();
      }
      if (store != null) {
        store.close();
      }
      throw e;
    }
  }

  private static IdempotencyStore openStore(String uri) throws StartFailure {
    try {
      return StoreUri.open(uri);
    } catch (RuntimeException e) {
      throw StartFailure.store(uri, e);
    }
  }

  /** The port the server listens on (the chosen one when started with port 0). */
  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      if (engine != null) {
        engine.close();
      }
      if (store != null) {
        store.close();
      }
    }
  }
}
