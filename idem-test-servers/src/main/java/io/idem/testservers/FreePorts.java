package io.idem.testservers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports for servers the tests start, and for addresses where nothing listens. */
public final class FreePorts {

  /**
   * Every port handed out in this JVM, never handed out again: a port picked for a server that has not
   * bound it yet (a cluster node still to start) looks free, and a second pick could take it first.
   */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /**
   * A port that is free now, and whose Redis Cluster bus port (port + 10000) is free too. Picked at
   * random below the ephemeral range, so that parallel builds and the OS's own picks rarely collide.
   */
  public static int pick() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      if (!HANDED_OUT.contains(port) && isFree(port) && isFree(port + 10_000) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair found in 20000-29999");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
