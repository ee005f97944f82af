package io.idem.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy between a client and the gateway that can lose the first answer: with
 * {@code dropFirstResponse}, the first connection's request goes through (so the upstream acts) but
 * the answer never comes back, and the connection stays open and silent, as when a network path dies
 * after the server sent. It notes the {@code Idempotency-Key} of every request and the status of every
 * answer that passes.
 */
final class FaultProxy implements AutoCloseable {

  private static final Pattern KEY = Pattern.compile("(?i)\r\nIdempotency-Key: *([^\r\n]+)");
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

  private final ServerSocket listener;
  private final int targetPort;
  private final boolean dropFirstResponse;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> keys = new CopyOnWriteArrayList<>();
  private final List<Integer> statuses = new CopyOnWriteArrayList<>();
  private final List<Integer> droppedStatuses = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  FaultProxy(int targetPort, boolean dropFirstResponse) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.dropFirstResponse = dropFirstResponse;
    Thread acceptor = new Thread(this::accept, "fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /** The Idempotency-Key of each request that passed, in order. */
  List<String> keys() {
    return new ArrayList<>(keys);
  }

  /** The status of each answer delivered to the client, in order. */
  List<Integer> statuses() {
    return new ArrayList<>(statuses);
  }

  /** The status of each answer that was lost on the way. */
  List<Integer> droppedStatuses() {
    return new ArrayList<>(droppedStatuses);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        boolean drop = dropFirstResponse && connections.getAndIncrement() == 0;
        pump(client, server, keys, KEY, null);
        pump(server, client, drop ? droppedStatuses : statuses, STATUS, drop ? null : client);
      } catch (IOException e) {
        return;
      }
    }
  }

  /**
   * Copies {@code from} to {@code to}'s output (or nowhere, when {@code deliverTo} is null on the way
   * back), noting every match of {@code pattern}'s group 1 in {@code notes}.
   */
  private static <T> void pump(Socket from, Socket to, List<T> notes, Pattern pattern, Socket deliverTo) {
    boolean deliver = pattern == KEY || deliverTo != null;
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          Matcher matcher = pattern.matcher(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          while (matcher.find()) {
            @SuppressWarnings("unchecked")
            T note = (T) (pattern == STATUS ? (Object) Integer.valueOf(matcher.group(1)) : matcher.group(1).trim());
            notes.add(note);
          }
          if (deliver) {
            out.write(buffer, 0, n);
            out.flush();
          }
        }
        if (deliver) {
          to.shutdownOutput();
        }
      } catch (IOException e) {
        // One side went away: the other is closed with the proxy.
      }
    }, "fault-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
