package io.idem.jetty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} open connections per client address; the next one is closed as soon as it
 * opens. With HTTP/1.1 a connection carries one request at a time, so this also bounds the threads
 * one client can hold. (Jetty's {@code ConnectionLimit} counts all clients together.)
 */
final class ClientConnectionLimit implements Connection.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(ClientConnectionLimit.class);

  private final int max;
  private final Executor executor;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
  /** Each connection's client, kept because a closed endpoint no longer knows its remote address. */
  private final ConcurrentHashMap<Connection, InetAddress> clients = new ConcurrentHashMap<>();

  ClientConnectionLimit(int max, Executor executor) {
    this.max = max;
    this.executor = executor;
  }

  @Override
  public void onOpened(Connection connection) {
    InetAddress client = client(connection);
    if (client == null) {
      return;
    }
    clients.put(connection, client);
    int count = open.merge(client, 1, Integer::sum);
    if (count > max) {
      LOG.debug("closing a connection from {}: it has {} open, the limit is {}", client, count - 1, max);
      // Not from inside onOpened: the other listeners have not all seen the opening yet.
      executor.execute(() -> connection.getEndPoint().close());
    }
  }

  @Override
  public void onClosed(Connection connection) {
    InetAddress client = clients.remove(connection);
    if (client != null) {
      open.computeIfPresent(client, (address, count) -> count == 1 ? null : count - 1);
    }
  }

  private static InetAddress client(Connection connection) {
    return connection.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress address
        ? address.getAddress() : null;
  }
}
