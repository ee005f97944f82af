package io.idem.jetty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client that sends exactly the bytes it is told, as slowly as it is told: the hostile clients
 * the limits are for. From {@code 127.0.0.x}, so a test can be several clients on loopback.
 */
final class SocketClient implements AutoCloseable {

  private final Socket socket;

  SocketClient(String localAddress, int port) throws IOException {
    socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    socket.setSoTimeout(30_000);
  }

  void send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /**
   * Sends {@code text} one byte per {@code pauseMillis} until the server answers or cuts the
   * connection, or the text runs out. What the server sent before closing ({@code ""} when it closed
   * without a word), or null when it let the whole text trickle in.
   */
  String trickle(String text, long pauseMillis) throws IOException {
    for (int i = 0; i < text.length(); i++) {
      try {
        send(text.substring(i, i + 1));
      } catch (IOException e) {
        return "";
      }
      socket.setSoTimeout((int) Math.max(1, pauseMillis));
      try {
        int first = socket.getInputStream().read();
        socket.setSoTimeout(30_000);
        return first < 0 ? "" : (char) first + readToEnd();
      } catch (SocketTimeoutException e) {
        // Still listening: send the next byte.
      } catch (SocketException e) {
        return "";
      }
    }
    socket.setSoTimeout(30_000);
    return null;
  }

  /** Everything the server sends until it closes the connection (answers go out with {@code Connection: close}). */
  String readToEnd() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try {
      socket.getInputStream().transferTo(all);
    } catch (SocketException e) {
      // A reset after the answer: the server closed a connection with unread bytes in it.
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  /** True when the server closed the connection without a byte of answer. */
  boolean closedWithoutAnswer() throws IOException {
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
