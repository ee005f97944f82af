package io.idem.testservers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of the Redis protocol to set servers up and look at them (PING, CLUSTER, INFO): one
 * command per connection, replies as text. The helpers need no Redis client library this way.
 */
final class Resp {

  private Resp() {}

  /** Sends one command to 127.0.0.1:{@code port}; the reply as text (status, bulk string or integer). */
  static String call(int port, String... command) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(encode(command));
      out.flush();
      return reply(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("no answer from Redis on port " + port + " to " + command[0], e);
    }
  }

  /** Whether a Redis server or Sentinel answers PING on {@code port}. */
  static boolean answersPing(int port) {
    try {
      return call(port, "PING").equals("PONG");
    } catch (UncheckedIOException | IllegalStateException e) {
      return false;
    }
  }

  static byte[] encode(String... command) {
    StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
    for (String argument : command) {
      byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
      request.append('$').append(bytes.length).append("\r\n").append(argument).append("\r\n");
    }
    return request.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String reply(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
      case ':':
        return line;
      case '-':
        throw new IllegalStateException("Redis answered " + line);
      case '$':
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bulk = in.readNBytes(length + 2);
        return new String(bulk, 0, length, StandardCharsets.UTF_8);
      default:
        throw new IOException("unexpected Redis reply type " + (type < 0 ? "EOF" : Character.toString(type)));
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      previous = b;
    }
    throw new IOException("connection closed inside a reply");
  }
}
