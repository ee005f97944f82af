package io.idem.gateway;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/** Sends requests that arrive on the admin connector to the admin handler, the rest to the proxy. */
final class ByConnector extends Handler.Abstract.NonBlocking {

  private final Connector admin;
  private final Handler adminHandler;
  private final Handler proxy;

  ByConnector(Connector admin, Handler adminHandler, Handler proxy) {
    this.admin = admin;
    this.adminHandler = adminHandler;
    this.proxy = proxy;
    addBean(adminHandler);
    addBean(proxy);
  }

  /** The two handlers belong to the same server (Jetty warns at start about a handler without one). */
  @Override
  public void setServer(Server server) {
    super.setServer(server);
    adminHandler.setServer(server);
    proxy.setServer(server);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    return request.getConnectionMetaData().getConnector() == admin
        ? adminHandler.handle(request, response, callback)
        : proxy.handle(request, response, callback);
  }
}
