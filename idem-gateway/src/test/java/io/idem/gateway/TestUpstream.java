package io.idem.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The service behind the gateway in tests: a real Jetty server that counts what it is asked to do.
 *
 * <ul>
 *   <li>{@code POST /v1/customers}: a Stripe-shaped customer, {@code cus_<n>};</li>
 *   <li>{@code POST /payments..}: 201 and a JSON payment {@code pay_<n>} with the body it received;
 *       {@code ?status=500} answers 500 instead;</li>
 *   <li>{@code /echo}: 200, the method, target and every header it received, one per line;</li>
 *   <li>{@code /big?bytes=N}: N bytes of body;</li>
 *   <li>{@code /reset}: reads the request, then closes the connection without answering;</li>
 *   <li>{@code /stream}: notes the request body's first chunk ({@link #firstChunk()}), reads the rest, then
 *       answers {@code first} at once and {@code second} after {@link #release()}.</li>
 * </ul>
 * While {@link #hold()} is in force, every POST waits until {@link #release()} before answering.
 */
final class TestUpstream implements AutoCloseable {

  private final Server server;
  private final AtomicInteger acted = new AtomicInteger();
  private final Map<String, AtomicInteger> byPath = new ConcurrentHashMap<>();
  private volatile CountDownLatch gate;
  private final AtomicInteger waiting = new AtomicInteger();

  private TestUpstream(int port) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        serve(request, response, callback);
        return true;
      }
    });
    server.start();
  }

  static TestUpstream start() throws Exception {
    return new TestUpstream(0);
  }

  /** On a given port: to bring an upstream up where the gateway already points. */
  static TestUpstream startOn(int port) throws Exception {
    return new TestUpstream(port);
  }

  String url() {
    return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** How many POSTs it has acted on (created something). */
  int acted() {
    return acted.get();
  }

  int requestsTo(String path) {
    return byPath.getOrDefault(path, new AtomicInteger()).get();
  }

  /** POSTs that arrive from now on wait for {@link #release()}. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    CountDownLatch current = gate;
    gate = null;
    if (current != null) {
      current.countDown();
    }
  }

  /** POSTs waiting at the gate right now. */
  int waiting() {
    return waiting.get();
  }

  /** The first chunk of the last {@code /stream} request's body, as it arrived. */
  String firstChunk() {
    return firstChunk;
  }

  private volatile String firstChunk;

  private void serve(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    byPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    if (path.equals("/stream")) {
      stream(request, response, callback);
      return;
    }
    String body = Content.Source.asString(request, StandardCharsets.UTF_8);
    String query = request.getHttpURI().getQuery() == null ? "" : request.getHttpURI().getQuery();
    if (path.equals("/reset")) {
      acted.incrementAndGet();
      request.getConnectionMetaData().getConnection().getEndPoint().close();
      callback.succeeded();
      return;
    }
    if (request.getMethod().equals("POST")) {
      waitAtGate();
    }
    if (path.equals("/echo")) {
      StringBuilder echo = new StringBuilder(request.getMethod()).append(' ').append(request.getHttpURI().getPathQuery())
          .append('\n');
      for (HttpField field : request.getHeaders()) {
        echo.append(field.getName()).append(": ").append(field.getValue()).append('\n');
      }
      echo.append('\n').append(body);
      send(response, 200, "text/plain", echo.toString().getBytes(StandardCharsets.UTF_8), callback);
    } else if (path.equals("/big")) {
      byte[] bytes = new byte[Integer.parseInt(query.replace("bytes=", ""))];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) ('a' + i % 26);
      }
      acted.incrementAndGet();
      send(response, 200, "application/octet-stream", bytes, callback);
    } else if (path.equals("/v1/customers") && request.getMethod().equals("POST")) {
      int n = acted.incrementAndGet();
      send(response, 200, "application/json", ("{\"id\":\"cus_" + n + "\",\"object\":\"customer\",\"created\":"
          + (1_700_000_000 + n) + ",\"livemode\":false,\"email\":\"jenny" + n + "@example.com\"}")
          .getBytes(StandardCharsets.UTF_8), callback);
    } else if (path.startsWith("/payments") && request.getMethod().equals("POST")) {
      int n = acted.incrementAndGet();
      int status = query.equals("status=500") ? 500 : 201;
      response.getHeaders().put("X-Upstream-Request", String.valueOf(n));
      send(response, status, "application/json", ("{\"id\":\"pay_" + n + "\",\"received\":\"" + body.replace("\"", "'")
          + "\"}").getBytes(StandardCharsets.UTF_8), callback);
    } else {
      send(response, 200, "text/plain", ("ok " + request.getMethod() + " " + path).getBytes(StandardCharsets.UTF_8),
          callback);
    }
  }

  private void stream(Request request, Response response, Callback callback) throws Exception {
    StringBuilder body = new StringBuilder();
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        CountDownLatch available = new CountDownLatch(1);
        request.demand(available::countDown);
        available.await(60, TimeUnit.SECONDS);
        continue;
      }
      if (chunk.hasRemaining()) {
        String text = StandardCharsets.UTF_8.decode(chunk.getByteBuffer()).toString();
        if (firstChunk == null) {
          firstChunk = text;
        }
        body.append(text);
      }
      chunk.release();
      if (chunk.isLast()) {
        break;
      }
    }
    response.setStatus(200);
    response.getHeaders().put("Content-Type", "text/plain");
    org.eclipse.jetty.util.FutureCallback first = new org.eclipse.jetty.util.FutureCallback();
    response.write(false, ByteBuffer.wrap("first\n".getBytes(StandardCharsets.UTF_8)), first);
    first.get(60, TimeUnit.SECONDS);
    waitAtGate();
    response.write(true, ByteBuffer.wrap(("second " + body.length() + "\n").getBytes(StandardCharsets.UTF_8)),
        callback);
  }

  private void waitAtGate() throws InterruptedException {
    CountDownLatch current = gate;
    if (current != null) {
      waiting.incrementAndGet();
      try {
        current.await(60, TimeUnit.SECONDS);
      } finally {
        waiting.decrementAndGet();
      }
    }
  }

  private static void send(Response response, int status, String type, byte[] body, Callback callback) {
    response.setStatus(status);
    response.getHeaders().put("Content-Type", type);
    response.getHeaders().put("Content-Length", body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  @Override
  public void close() throws Exception {
    release();
    server.stop();
  }
}
