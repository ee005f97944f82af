package io.idem.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The connection a {@link RedisStore} talks through, standalone (or Sentinel-managed) or Cluster, and
 * what the store opened and must close. Everything the store does on one key goes through
 * {@link #commands()}; only purge, the eviction check and {@code WAIT} need single nodes.
 */
abstract class RedisBackend {

  private final List<AutoCloseable> owned;
  private final boolean clientTimesOutCommands;
  private final SubscriberConnections subscribers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisBackend(List<AutoCloseable> owned, boolean clientTimesOutCommands, SubscriberConnections subscribers) {
    this.owned = List.copyOf(owned);
    this.clientTimesOutCommands = clientTimesOutCommands;
    this.subscribers = subscribers;
  }

  /**
   * @param clientTimesOutCommands the client is the store's own, configured to fail every command
   *     after the store's command timeout; a caller's client or connection may not be
   * @param subscribers where the store's waiters subscribe, from the same client; null when the store
   *     was handed a connection and has no client to open one from
   */
  static RedisBackend standalone(List<StatefulRedisConnection<byte[], byte[]>> connections,
      List<AutoCloseable> owned, boolean clientTimesOutCommands, SubscriberConnections subscribers) {
    return new Standalone(connections, owned, clientTimesOutCommands, subscribers);
  }

  /** See {@link #standalone}. */
  static RedisBackend cluster(StatefulRedisClusterConnection<byte[], byte[]> connection, List<AutoCloseable> owned,
      boolean clientTimesOutCommands, SubscriberConnections subscribers) {
    return new Cluster(connection, owned, clientTimesOutCommands, subscribers);
  }

  /** Where the store's waiters subscribe (not yet connected); null when the store has no client of its own. */
  SubscriberConnections subscribers() {
    return subscribers;
  }

  /** Whether Lettuce itself fails every command after the store's timeout, so waiting needs no timer of its own. */
  boolean clientTimesOutCommands() {
    return clientTimesOutCommands;
  }

  /** Commands on the first (usually the only) connection; in a Cluster, routed to the node owning each key. */
  abstract RedisClusterAsyncCommands<byte[], byte[]> commands();

  /** Commands on the connection that carries everything for {@code key}. */
  abstract RedisClusterAsyncCommands<byte[], byte[]> commandsFor(byte[] key);

  /** Every master: purge scans each, the eviction check reads each one's policy. */
  abstract List<Node> masters();

  /** One server, named for log messages. */
  record Node(String name, RedisClusterAsyncCommands<byte[], byte[]> commands) {}

  /** The connection that wrote {@code key}, on which {@code WAIT} counts the replicas of that write. */
  abstract RedisClusterAsyncCommands<byte[], byte[]> writerOf(byte[] key);

  /** Closes what the store opened, newest first; never what it was handed. Only the first call acts. */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    RuntimeException failure = null;
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing the Redis store's own client failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static final class Standalone extends RedisBackend {
    private final List<RedisClusterAsyncCommands<byte[], byte[]>> connections;
    private final RedisClusterAsyncCommands<byte[], byte[]> first;
    /** The I/O thread that answered each connection at start: where its callbacks run. */
    private final Thread[] ioThreads;

    Standalone(List<StatefulRedisConnection<byte[], byte[]>> connections, List<AutoCloseable> owned,
        boolean timesOut, SubscriberConnections subscribers) {
      super(owned, timesOut, subscribers);
      List<RedisClusterAsyncCommands<byte[], byte[]>> commands = new ArrayList<>(connections.size());
      for (StatefulRedisConnection<byte[], byte[]> connection : connections) {
        commands.add(connection.async());
      }
      this.connections = List.copyOf(commands);
      this.first = this.connections.get(0);
      this.ioThreads = new Thread[this.connections.size()];
      if (this.connections.size() > 1) {
        learnIoThreads();
      }
    }

    /**
     * Pings each connection and notes the thread its answer arrives on. Only a hint for
     * {@link #commandsFor}: after a reconnect a connection may be served by another thread, which costs
     * a hand-off per command, never correctness.
     */
    private void learnIoThreads() {
      Thread caller = Thread.currentThread();
      for (int i = 0; i < connections.size(); i++) {
        // An answer that arrives before the callback is attached runs it on the caller: ask again.
        for (int attempt = 0; attempt < 5 && (ioThreads[i] == null || ioThreads[i] == caller); attempt++) {
          int index = i;
          try {
            connections.get(i).ping().thenRun(() -> ioThreads[index] = Thread.currentThread())
                .toCompletableFuture().get(2, java.util.concurrent.TimeUnit.SECONDS);
          } catch (Exception e) {
            if (e instanceof InterruptedException) {
              Thread.currentThread().interrupt();
            }
            break; // no hint for this connection: its keys are spread by hash alone
          }
        }
        if (ioThreads[i] == caller) {
          ioThreads[i] = null;
        }
      }
    }

    /**
     * A callback running on one of the store's I/O threads (an asynchronous caller's next step) stays
     * on that thread's connection, so its command needs no hand-off to another thread; every other
     * caller goes by the key's hash, so a blocking caller's complete and {@code WAIT} for a key meet
     * on one connection.
     */
    @Override
    RedisClusterAsyncCommands<byte[], byte[]> commandsFor(byte[] key) {
      int count = connections.size();
      if (count == 1) {
        return first;
      }
      Thread current = Thread.currentThread();
      for (int i = 0; i < count; i++) {
        if (ioThreads[i] == current) {
          return connections.get(i);
        }
      }
      return connections.get(Math.floorMod(Arrays.hashCode(key), count));
    }

    @Override
    RedisClusterAsyncCommands<byte[], byte[]> commands() {
      return first;
    }

    @Override
    List<Node> masters() {
      return List.of(new Node("server", first));
    }

    @Override
    RedisClusterAsyncCommands<byte[], byte[]> writerOf(byte[] key) {
      return commandsFor(key);
    }
  }

  private static final class Cluster extends RedisBackend {
    private final StatefulRedisClusterConnection<byte[], byte[]> connection;
    private final RedisAdvancedClusterAsyncCommands<byte[], byte[]> commands;

    Cluster(StatefulRedisClusterConnection<byte[], byte[]> connection, List<AutoCloseable> owned, boolean timesOut,
        SubscriberConnections subscribers) {
      super(owned, timesOut, subscribers);
      this.connection = connection;
      this.commands = connection.async();
    }

    @Override
    RedisClusterAsyncCommands<byte[], byte[]> commands() {
      return commands;
    }

    @Override
    RedisClusterAsyncCommands<byte[], byte[]> commandsFor(byte[] key) {
      return commands;
    }

    @Override
    List<Node> masters() {
      List<Node> masters = new ArrayList<>();
      for (RedisClusterNode node : connection.getPartitions()) {
        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
          String name = "cluster master " + node.getUri().getHost() + ":" + node.getUri().getPort();
          masters.add(new Node(name, commands.getConnection(node.getNodeId())));
        }
      }
      return masters;
    }

    @Override
    RedisClusterAsyncCommands<byte[], byte[]> writerOf(byte[] key) {
      // The node connection the cluster connection routed the write through, so WAIT sees it.
      RedisClusterNode node = connection.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
      return node == null ? commands : commands.getConnection(node.getNodeId());
    }
  }
}
