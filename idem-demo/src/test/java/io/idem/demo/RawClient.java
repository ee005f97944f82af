package io.idem.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One connection to the demo that sends exactly the bytes a test writes, as slowly as it likes:
 * request targets {@link java.net.http.HttpClient} would rewrite ({@code /a/../payments}), methods it
 * refuses ({@code FO(O}), bodies shorter than their {@code Content-Length}, bodies trickled a byte at a
 * time. It connects from a chosen {@code 127.0.0.x}, so one test can play several clients on loopback.
 */
final class RawClient implements AutoCloseable {

  /** An answer read up to the end of the connection (requests are sent with {@code Connection: close}). */
  record Answer(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private final Socket socket = new Socket();

  RawClient(String localAddress, int port) throws IOException {
    socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    socket.setSoTimeout(60_000);
  }

  /** A request head with {@code Connection: close}; {@code extraHeaders} are full lines without CRLF. */
  static String head(String method, String target, int contentLength, String... extraHeaders) {
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("Host: localhost\r\nConnection: close\r\n");
    if (contentLength >= 0) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(contentLength).append("\r\n");
    }
    for (String header : extraHeaders) {
      head.append(header).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  /** Sends a whole request and reads the answer. */
  static Answer exchange(int port, String request) throws IOException {
    try (RawClient client = new RawClient("127.0.0.1", port)) {
      client.send(request);
      return client.answer();
    }
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /**
   * Sends {@code body} one byte per {@code pauseMillis}. True when the server cut the connection or
   * answered before the body was complete; false when it let the whole body trickle in.
   */
  boolean trickleIsCut(String body, long pauseMillis) throws IOException {
    for (int i = 0; i < body.length(); i++) {
      try {
        send(body.substring(i, i + 1));
      } catch (IOException e) {
        return true;
      }
      socket.setSoTimeout((int) pauseMillis);
      try {
        socket.getInputStream().read();
        return true;
      } catch (SocketTimeoutException e) {
        // No answer yet: the next byte.
      } catch (SocketException e) {
        return true;
      } finally {
        socket.setSoTimeout(60_000);
      }
    }
    return false;
  }

  /** The answer, failing with {@link SocketTimeoutException} when none comes within {@code millis}. */
  Answer answerWithin(int millis) throws IOException {
    socket.setSoTimeout(millis);
    return answer();
  }

  Answer answer() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try {
      socket.getInputStream().transferTo(all);
    } catch (SocketException e) {
      // Reset after the answer: the server closed with unread request bytes.
    }
    // One char per byte while the framing is parsed (chunk sizes count bytes); the body is UTF-8.
    String text = all.toString(StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      throw new IOException("not an HTTP answer: \"" + text + "\"");
    }
    String head = text.substring(0, end);
    String body = text.substring(end + 4);
    String answer = head.toLowerCase(Locale.ROOT);
    if (answer.contains("transfer-encoding: chunked")) {
      body = unchunk(body);
    }
    return new Answer(Integer.parseInt(head.substring(9, 12)), head,
        new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
  }

  private static String unchunk(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
      if (size == 0) {
        return body.toString();
      }
      body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
