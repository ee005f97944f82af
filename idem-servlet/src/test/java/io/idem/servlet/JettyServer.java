package io.idem.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty on a random port with the filters and servlets a test needs. */
final class JettyServer implements AutoCloseable {

  private final Server server;
  private final ServletContextHandler context;

  private JettyServer() {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(0);
    server.addConnector(connector);
    context = new ServletContextHandler();
    context.setContextPath("/");
    server.setHandler(context);
  }

  static Builder builder() {
    return new Builder();
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://localhost:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + pathAndQuery);
  }

  ServletContextHandler context() {
    return context;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  static final class Builder {
    private final Map<String, FilterHolder> filters = new LinkedHashMap<>();
    private final Map<String, ServletHolder> servlets = new LinkedHashMap<>();
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    Builder filter(Filter filter) {
      filters.put("filter" + filters.size(), new FilterHolder(filter));
      return this;
    }

    Builder filter(FilterHolder holder) {
      filters.put("filter" + filters.size(), holder);
      return this;
    }

    Builder servlet(String path, HttpServlet servlet) {
      ServletHolder holder = new ServletHolder(servlet);
      holder.setAsyncSupported(true);
      servlets.put(path, holder);
      return this;
    }

    Builder attribute(String name, Object value) {
      attributes.put(name, value);
      return this;
    }

    JettyServer start() throws Exception {
      JettyServer jetty = new JettyServer();
      attributes.forEach(jetty.context::setAttribute);
      for (FilterHolder holder : filters.values()) {
        holder.setAsyncSupported(true);
        jetty.context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
      }
      servlets.forEach((path, holder) -> jetty.context.addServlet(holder, path));
      jetty.server.start();
      return jetty;
    }
  }
}
