package io.idem.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What one client connection to the gateway carries, byte for byte on a raw socket: which answers keep
 * it open for the next request, HTTP/1.0 and HEAD, and a client that leaves before its answer.
 */
@Timeout(60)
class GatewayConnectionTest {

  private static TestUpstream upstream;
  private static GatewayServer gateway;

  @BeforeAll
  static void start() throws Exception {
    upstream = TestUpstream.start();
    GatewayOptions defaults = GatewayOptions.defaults(URI.create(upstream.url()));
    gateway = GatewayServer.start(new GatewayOptions(0, defaults.upstream(), List.of(), "memory:", defaults.lease(),
        defaults.retention(), List.of("/payments"), new TenantScope.AuthorizationHash(), GatewayOptions.NO_ADMIN_PORT,
        defaults.upstreamTimeout(), "connection-test", 32));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    upstream.close();
  }

  /** One answer read off a socket: status line, headers (lower-case names), body. */
  record Answer(String statusLine, Map<String, String> headers, String body) {}

  @Test
  void aRefusedRequestsSmallBodyIsDroppedAndTheConnectionServesTheNextRequest() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "POST /payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
          + "{\"amount\":1}\n");
      Answer refused = read(socket);
      assertThat(refused.statusLine()).startsWith("HTTP/1.1 400");
      assertThat(refused.headers()).doesNotContainEntry("connection", "close");

      send(socket, "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
      Answer next = read(socket);
      assertThat(next.statusLine()).startsWith("HTTP/1.1 200");
      assertThat(next.body()).startsWith("GET /echo\n");
    }
  }

  @Test
  void aRefusedRequestWhoseBodyIsTooLargeToDropEndsTheConnectionAfterItsAnswer() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "POST /payments HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n{\"amount\":");
      Answer refused = read(socket);
      assertThat(refused.statusLine()).startsWith("HTTP/1.1 400");
      assertThat(refused.headers()).containsEntry("connection", "close");
      assertThat(socket.getInputStream().read()).as("closed after the answer").isEqualTo(-1);
    }
  }

  @Test
  void anHttp10ClientIsAnsweredAndClosedUnlessItAskedToKeepTheConnection() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "GET /echo HTTP/1.0\r\n\r\n");
      Answer answer = read(socket);
      assertThat(answer.statusLine()).startsWith("HTTP/1.");
      assertThat(answer.statusLine()).contains(" 200");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    try (Socket socket = connect()) {
      send(socket, "GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      Answer first = read(socket);
      assertThat(first.headers()).containsEntry("connection", "keep-alive");
      send(socket, "GET /echo?again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      assertThat(read(socket).body()).startsWith("GET /echo?again\n");
    }
  }

  @Test
  void aHeadAnswerHasItsLengthButNoBodyAndTheConnectionGoesOn() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "HEAD /big?bytes=5000 HTTP/1.1\r\nHost: x\r\n\r\n");
      String head = readHead(socket.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: 5000");

      // Had the gateway sent a body after the HEAD answer, this would read its bytes instead.
      send(socket, "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
      Answer next = read(socket);
      assertThat(next.statusLine()).startsWith("HTTP/1.1 200");
      assertThat(next.body()).startsWith("GET /echo\n");
    }
  }

  @Test
  void aClientThatLeavesBeforeItsAnswerLeavesItStoredForItsRetry() throws Exception {
    String key = UUID.randomUUID().toString();
    String body = "{\"amount\":700}";
    String request = "POST /payments HTTP/1.1\r\nHost: x\r\nIdempotency-Key: " + key + "\r\nContent-Type: application/json"
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    int before = upstream.acted();
    upstream.hold();
    try (Socket leaving = connect()) {
      send(leaving, request);
      await().until(() -> upstream.waiting() == 1);
    } finally {
      upstream.release();
    }
    await().until(() -> upstream.acted() == before + 1);

    Answer retry = await().until(() -> {
      try (Socket socket = connect()) {
        send(socket, request);
        return read(socket);
      }
    }, answer -> !answer.statusLine().startsWith("HTTP/1.1 409"));

    assertThat(retry.statusLine()).startsWith("HTTP/1.1 201");
    assertThat(retry.headers()).containsEntry("idempotent-replayed", "true");
    assertThat(upstream.acted()).isEqualTo(before + 1);
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", gateway.port());
    socket.setSoTimeout(30_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads one answer: by its length, its chunks, or (no length) to the end of the connection. */
  private static Answer read(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    String head = readHead(in);
    String[] lines = head.split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
        body.write(in.readNBytes(size));
        line(in);
      }
      line(in);
    } else {
      in.transferTo(body);
    }
    return new Answer(lines[0], headers, body.toString(StandardCharsets.UTF_8));
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection closed in the head: " + head);
      }
      head.append((char) b);
    }
    return head.substring(0, head.length() - 4);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}
