package io.idem.benchmarks.http;

import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.servlet.IdempotencyFilter;
import io.idem.spi.IdempotencyStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Embedded Jetty 12 with a servlet that does almost nothing ({@code POST /orders} answers 201 and a
 * small fixed JSON body, without reading the request), bare or behind Idem's {@link IdempotencyFilter}:
 * what the filter costs, with no application work to hide it.
 */
final class TrivialServer implements AutoCloseable {

  static final String PATH = "/orders";
  static final String NAMESPACE = "bench";
  /** Short, so that keys left on a long-lived server (a local Redis, say) go away on their own. */
  static final Duration RETENTION = Duration.ofMinutes(10);

  private final Server server;
  private final Idempotency engine;

  private TrivialServer(Server server, Idempotency engine) {
    this.server = server;
    this.engine = engine;
  }

  static TrivialServer bare() throws Exception {
    return start(null);
  }

  /** Behind the filter on {@code store}, with the engine's defaults but a short retention. The caller closes the store. */
  static TrivialServer filtered(IdempotencyStore store) throws Exception {
    return start(Idempotency.create(store, IdempotencyConfig.custom().retention(RETENTION).build()));
  }

  private static TrivialServer start(Idempotency engine) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    if (engine != null) {
      IdempotencyFilter filter = IdempotencyFilter.create(engine,
          HttpIdempotencyConfig.custom().namespace(NAMESPACE).requireKeyOnPaths(PATH).build());
      context.addFilter(new FilterHolder(filter), PATH, EnumSet.of(DispatcherType.REQUEST));
    }
    context.addServlet(new ServletHolder(new CreatedServlet()), PATH);
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    return new TrivialServer(server, engine);
  }

  /** {@code http://127.0.0.1:port}; the handler is at {@link #PATH}. */
  String url() {
    return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      if (engine != null) {
        engine.close();
      }
    }
  }

  /** The handler: 201 and a fixed body. */
  private static final class CreatedServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final byte[] BODY = "{\"id\":\"ord_1\",\"status\":\"created\"}".getBytes(StandardCharsets.UTF_8);

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
      response.setStatus(201);
      response.setContentType("application/json");
      response.setContentLength(BODY.length);
      response.getOutputStream().write(BODY);
    }
  }
}
