package io.idem.redis;

import io.idem.StoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Opens a store's {@link RedisBackend} once {@link RedisStore.Builder#build()} knows the timeout and
 * the number of connections: one factory per level at which a caller holds Redis (a URI, a client, a
 * connection), each recording what the store opened and must close. A failure to connect closes what
 * was opened so far and surfaces as {@link StoreUnavailableException} (operation {@code connect}).
 */
@FunctionalInterface
interface BackendOpener {

  RedisBackend open(Duration commandTimeout, int connections);

  /** Its own client (and client resources) for a {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URI. */
  static BackendOpener ownClient(String redisUri) {
    parseUri(redisUri);
    return (timeout, connections) -> {
      ClientResources resources = ownResources(connections);
      RedisClient client = RedisClient.create(resources, parseUri(redisUri, timeout));
      client.setOptions(ClientOptions.builder()
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
          .build());
      List<AutoCloseable> owned = new ArrayList<>(List.of(client::shutdown, () -> resources.shutdown()));
      return openOrClose(owned, () -> RedisBackend.standalone(connect(client, connections, owned), owned, true,
          SubscriberConnections.standalone(client)));
    };
  }

  /** Its own Cluster client, seeded with the URI of any Cluster node. */
  static BackendOpener ownClusterClient(String redisUri) {
    parseUri(redisUri);
    return (timeout, connections) -> {
      ClientResources resources = ownResources(1);
      RedisClusterClient client = RedisClusterClient.create(resources, parseUri(redisUri, timeout));
      client.setOptions(ClusterClientOptions.builder()
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
          .build());
      List<AutoCloseable> owned = new ArrayList<>(List.of(client::shutdown, () -> resources.shutdown()));
      return openOrClose(owned, () -> {
        StatefulRedisClusterConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
        owned.add(0, connection);
        return RedisBackend.cluster(connection, owned, true, SubscriberConnections.cluster(client));
      });
    };
  }

  /** Its own connections from the caller's client, which stays the caller's. */
  static BackendOpener onClient(RedisClient client) {
    Objects.requireNonNull(client, "client");
    return (timeout, connections) -> {
      List<AutoCloseable> owned = new ArrayList<>();
      return openOrClose(owned, () -> RedisBackend.standalone(connect(client, connections, owned), owned, false,
          SubscriberConnections.standalone(client)));
    };
  }

  /** Its own Cluster connection from the caller's client, which stays the caller's. */
  static BackendOpener onClusterClient(RedisClusterClient client) {
    Objects.requireNonNull(client, "client");
    return (timeout, connections) -> {
      List<AutoCloseable> owned = new ArrayList<>();
      return openOrClose(owned, () -> {
        StatefulRedisClusterConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
        owned.add(connection);
        return RedisBackend.cluster(connection, owned, false, SubscriberConnections.cluster(client));
      });
    };
  }

  /** The caller's connection, which the store never closes. */
  static BackendOpener onConnection(StatefulRedisConnection<byte[], byte[]> connection) {
    Objects.requireNonNull(connection, "connection");
    return (timeout, connections) -> RedisBackend.standalone(List.of(connection), List.of(), false, null);
  }

  /** The caller's Cluster connection, which the store never closes. */
  static BackendOpener onClusterConnection(StatefulRedisClusterConnection<byte[], byte[]> connection) {
    Objects.requireNonNull(connection, "connection");
    return (timeout, connections) -> RedisBackend.cluster(connection, List.of(), false, null);
  }

  /** @throws IllegalArgumentException when the URI cannot be parsed, so a builder rejects it at once */
  private static RedisURI parseUri(String redisUri) {
    Objects.requireNonNull(redisUri, "redisUri");
    try {
      return RedisURI.create(redisUri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a Redis URI (redis://, rediss:// or redis-sentinel://): "
          + e.getMessage(), e);
    }
  }

  /** A fresh URI per client, so each carries its own timeout (a copy through RedisURI.builder drops Sentinels). */
  private static RedisURI parseUri(String redisUri, Duration timeout) {
    RedisURI uri = parseUri(redisUri);
    uri.setTimeout(timeout);
    return uri;
  }

  /**
   * Opens {@code connections} connections, adding each to {@code owned} (first, so they close before
   * the client) as soon as it is open.
   */
  private static List<StatefulRedisConnection<byte[], byte[]>> connect(RedisClient client, int connections,
      List<AutoCloseable> owned) {
    List<StatefulRedisConnection<byte[], byte[]>> opened = new ArrayList<>(connections);
    for (int i = 0; i < connections; i++) {
      StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
      owned.add(0, connection);
      opened.add(connection);
    }
    return opened;
  }

  /**
   * Resources of a client the store opens itself, with an I/O thread for each connection (Netty hands
   * channels to its threads in turn). Reconnects start at once and back off to at most a second, so a
   * restarted Redis is used again soon. Flushes are consolidated: every caller thread flushes its own
   * command, and writing once per event-loop turn instead of once per command lets concurrent
   * commands share a system call and a packet (pipelining without batching in the API).
   */
  private static ClientResources ownResources(int connections) {
    return ClientResources.builder()
        .ioThreadPoolSize(Math.max(connections, Math.max(2, Runtime.getRuntime().availableProcessors())))
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
        .nettyCustomizer(new NettyCustomizer() {
          @Override
          public void afterChannelInitialized(Channel channel) {
            channel.pipeline().addFirst(new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
          }
        })
        .build();
  }

  /**
   * Opens a backend; when that fails, closes what was opened so far ({@code owned}, which the
   * opening adds to) and throws {@link StoreUnavailableException} for {@code connect}.
   */
  private static RedisBackend openOrClose(List<AutoCloseable> owned, Supplier<RedisBackend> open) {
    try {
      return open.get();
    } catch (RuntimeException e) {
      for (AutoCloseable resource : owned) {
        try {
          resource.close();
        } catch (Exception ignored) {
          // the connect failure is what the caller needs to see
        }
      }
      throw new StoreUnavailableException(BoundedCommands.STORE_NAME, "connect", String.valueOf(e.getMessage()), e);
    }
  }
}
