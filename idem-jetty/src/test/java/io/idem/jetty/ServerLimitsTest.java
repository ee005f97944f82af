package io.idem.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each limit against a real Jetty on loopback, with clients that misbehave on purpose. Durations are
 * short so the tests are quick; the assertions are about what happens (cut, answered), never how fast.
 */
class ServerLimitsTest {

  private static final String SLOW_HEADERS = "X-Slow: " + "a".repeat(200) + "\r\n\r\n";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Server server;
  private int port;

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  /** Reads the whole body (blocking, as a servlet does), sleeping first if the body asks for it. */
  private static final class ReadingHandler extends Handler.Abstract {
    private final long sleepMillis;

    ReadingHandler(long sleepMillis) {
      this.sleepMillis = sleepMillis;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      Thread.sleep(sleepMillis);
      byte[] body;
      try {
        body = Content.Source.asInputStream(request).readAllBytes();
      } catch (IOException e) {
        Response.writeError(request, response, callback, e.getCause() == null ? e : e.getCause());
        return true;
      }
      response.setStatus(200);
      Content.Sink.write(response, true, "read " + body.length, callback);
      return true;
    }
  }

  private void start(ServerLimits limits, Handler handler) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(handler);
    limits.applyTo(server);
    server.start();
    port = connector.getLocalPort();
  }

  private SocketClient client(String localAddress) throws IOException {
    SocketClient client = new SocketClient(localAddress, port);
    resources.add(client);
    return client;
  }

  private static ServerLimits.Builder quick() {
    return ServerLimits.custom().headerTimeout(Duration.ofSeconds(1)).bodyTimeout(Duration.ofSeconds(1))
        .idleTimeout(Duration.ofSeconds(60));
  }

  private static String post(int contentLength) {
    return "POST /pay HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: " + contentLength
        + "\r\n\r\n";
  }

  @Test
  void bodyTrickledAByteAtATimeIsCutWith408Problem() throws Exception {
    start(quick().build(), new ReadingHandler(0));
    SocketClient slow = client("127.0.0.1");
    slow.send(post(100));

    String answer = slow.trickle("x".repeat(100), 300);

    assertThat(answer).as("the server let the whole body trickle in").isNotNull()
        .startsWith("HTTP/1.1 408 ").contains("Content-Type: application/problem+json")
        .contains("\"status\":408").doesNotContain("Exception");
  }

  @Test
  void bodyShorterThanItsContentLengthIsAnsweredInsteadOfWaitingForTheIdleTimeout() throws Exception {
    start(quick().build(), new ReadingHandler(0));
    SocketClient shortBody = client("127.0.0.1");
    shortBody.send(post(100) + "only ten b");

    assertThat(shortBody.readToEnd()).startsWith("HTTP/1.1 408 ").contains("application/problem+json");
  }

  @Test
  void applicationThatReadsLateDoesNotCountAgainstTheClient() throws Exception {
    start(quick().build(), new ReadingHandler(1500));
    SocketClient client = client("127.0.0.1");
    client.send(post(5) + "hello");

    assertThat(client.readToEnd()).startsWith("HTTP/1.1 200 ").endsWith("read 5");
  }

  @Test
  void headersTrickledAByteAtATimeAreCut() throws Exception {
    start(quick().build(), new ReadingHandler(0));
    SocketClient slowloris = client("127.0.0.1");
    slowloris.send("GET / HTTP/1.1\r\nHost: localhost\r\n");

    assertThat(slowloris.trickle(SLOW_HEADERS, 200)).as("the server let the headers trickle in").isNotNull();
  }

  @Test
  void keptAliveConnectionMayIdleBetweenRequestsUntilTheIdleTimeout() throws Exception {
    start(quick().build(), new ReadingHandler(0));
    SocketClient client = client("127.0.0.1");
    client.send(post(2).replace("Connection: close", "Connection: keep-alive") + "ok");
    Thread.sleep(2500);
    client.send(post(2) + "ok");

    assertThat(client.readToEnd()).startsWith("HTTP/1.1 200 ").containsPattern("read 2[\\s\\S]*HTTP/1.1 200 ");
  }

  @Test
  void connectionsOverThePerClientLimitAreClosedAndOtherClientsAreServed() throws Exception {
    start(quick().maxConnectionsPerClient(3).build(), new ReadingHandler(0));
    List<SocketClient> greedy = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      greedy.add(client("127.0.0.2"));
    }
    int cut = 0;
    for (SocketClient connection : greedy) {
      try {
        connection.send(post(2) + "ok");
        if (connection.closedWithoutAnswer()) {
          cut++;
        }
      } catch (IOException e) {
        cut++;
      }
    }

    assertThat(cut).isEqualTo(2);
    SocketClient other = client("127.0.0.3");
    other.send(post(2) + "ok");
    assertThat(other.readToEnd()).startsWith("HTTP/1.1 200 ");
  }

  @Test
  void closedConnectionsGiveTheirPlaceBack() throws Exception {
    start(quick().maxConnectionsPerClient(2).build(), new ReadingHandler(0));
    for (int i = 0; i < 10; i++) {
      assertThat(exchange(post(2) + "ok")).as("connection %d", i).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void traceAndTrackAre405ProblemsThatEchoNothing() throws Exception {
    start(quick().allowedMethods("GET", "POST").build(), new ReadingHandler(0));
    for (String method : List.of("TRACE", "TRACK", "trace")) {
      SocketClient client = client("127.0.0.1");
      client.send(method + " / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer secret-token\r\n"
          + "Connection: close\r\n\r\n");

      assertThat(client.readToEnd()).as(method).startsWith("HTTP/1.1 405 ").contains("Allow: GET, POST")
          .contains("application/problem+json").doesNotContain("secret-token");
    }
  }

  @Test
  void serverErrorsAreProblemJsonWithoutServerMessages() throws Exception {
    ContextHandler context = new ContextHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        return false;
      }
    }, "/");
    start(quick().maxRequestHeaderBytes(1024).maxRequestBodyBytes(10).build(), context);

    assertThat(exchange("GET /nowhere HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 404 ").contains("application/problem+json").contains("\"status\":404");
    assertThat(exchange("FO(O / HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ").contains("application/problem+json");
    assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431 ").contains("application/problem+json");
    assertThat(exchange(post(11) + "eleven byte"))
        .startsWith("HTTP/1.1 413 ").contains("application/problem+json").doesNotContain("Exception");
  }

  private String exchange(String request) throws IOException {
    try (SocketClient client = new SocketClient("127.0.0.1", port)) {
      client.send(request);
      return client.readToEnd();
    }
  }

  @Test
  void limitsAreAppliedToAServerThatIsReadyAndNotStarted() throws Exception {
    start(quick().build(), new ReadingHandler(0));
    assertThatThrownBy(() -> ServerLimits.ofDefaults().applyTo(server)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("before the server starts");
    assertThatThrownBy(() -> ServerLimits.ofDefaults().applyTo(new Server()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("connectors and handler");
  }

  @Test
  void badSettingsAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> ServerLimits.custom().bodyTimeout(Duration.ZERO))
        .hasMessageContaining("bodyTimeout must be positive");
    assertThatThrownBy(() -> ServerLimits.custom().maxConnectionsPerClient(0))
        .hasMessageContaining("maxConnectionsPerClient must be at least 1, was 0");
    assertThatThrownBy(() -> ServerLimits.custom().allowedMethods("GET", "TRACE"))
        .hasMessageContaining("other than TRACE and TRACK");
  }
}
