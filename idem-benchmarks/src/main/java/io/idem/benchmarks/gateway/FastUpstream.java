package io.idem.benchmarks.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The service every configuration forwards to: Jetty answering each request at once with a small
 * Stripe-like JSON object (201, 62 bytes) after reading the body. As cheap as a Java server gets, so the
 * figures measure the proxies, not the service.
 */
final class FastUpstream implements AutoCloseable {

  private static final byte[] BODY = "{\"id\":\"pay_1\",\"object\":\"payment\",\"amount\":100,\"currency\":\"eur\"}"
      .getBytes(StandardCharsets.UTF_8);

  private final Server server;

  FastUpstream() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Content.Source.consumeAll(request, Callback.from(() -> {
          response.setStatus(201);
          response.getHeaders().put("Content-Type", "application/json");
          response.getHeaders().put("Content-Length", BODY.length);
          response.write(true, ByteBuffer.wrap(BODY), callback);
        }, callback::failed));
        return true;
      }
    });
    server.start();
  }

  int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
