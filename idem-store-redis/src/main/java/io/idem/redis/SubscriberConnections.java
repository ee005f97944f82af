package io.idem.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pub/sub connections that carry a store's shard-channel subscriptions ({@link RedisSignals}): one
 * to a standalone or Sentinel-managed server, one per master on a Cluster (a shard channel lives on the
 * master that owns its slot, so a subscription must be made there). Each connection the store
 * subscribes through reports its messages and its state to the listeners it was opened with.
 */
abstract class SubscriberConnections {

  /** Channels are record keys (text); a message is a completed record's bytes or a word (bytes). */
  static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /** What the connections report to: messages and subscription changes, losses and returns. */
  interface Events extends RedisPubSubListener<String, byte[]>, RedisConnectionStateListener {}

  /** Connections from the store's client or the caller's, which the store opened and closes itself. */
  static SubscriberConnections standalone(RedisClient client) {
    return new Standalone(client);
  }

  /** See {@link #standalone}. */
  static SubscriberConnections cluster(RedisClusterClient client) {
    return new Cluster(client);
  }

  /** Connects, blocking for at most the client's connect timeout; called once, off the store's threads. */
  abstract void open(Events events);

  /** The connection {@code channel}'s subscription lives on, once it is open (a Cluster connects to its master). */
  abstract CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> connectionFor(String channel);

  abstract void close();

  /** Has {@code connection} report to {@code events}; a connection is watched once however often asked. */
  static void listen(StatefulRedisPubSubConnection<String, byte[]> connection, Events events) {
    connection.addListener((RedisPubSubListener<String, byte[]>) events);
    connection.addListener((RedisConnectionStateListener) events);
  }

  private static final class Standalone extends SubscriberConnections {
    private final RedisClient client;
    private volatile StatefulRedisPubSubConnection<String, byte[]> connection;

    Standalone(RedisClient client) {
      this.client = client;
    }

    @Override
    void open(Events events) {
      StatefulRedisPubSubConnection<String, byte[]> opened = client.connectPubSub(CODEC);
      listen(opened, events);
      connection = opened;
    }

    @Override
    CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> connectionFor(String channel) {
      return CompletableFuture.completedFuture(connection);
    }

    @Override
    void close() {
      StatefulRedisPubSubConnection<String, byte[]> opened = connection;
      if (opened != null) {
        opened.close();
      }
    }
  }

  /**
   * Lettuce routes {@code SSUBSCRIBE} on a Cluster pub/sub connection to the slot's master, but after a
   * reconnect re-subscribes all of a node's shard channels in one command, which the node refuses
   * ({@code CROSSSLOT}). So the store subscribes on the node connections itself and restores nothing
   * through Lettuce ({@link RedisSignals} clears a returning connection).
   */
  private static final class Cluster extends SubscriberConnections {
    private final RedisClusterClient client;
    private final Set<StatefulRedisPubSubConnection<String, byte[]>> watched = ConcurrentHashMap.newKeySet();
    private volatile StatefulRedisClusterPubSubConnection<String, byte[]> connection;
    private volatile Events events;

    Cluster(RedisClusterClient client) {
      this.client = client;
    }

    @Override
    void open(Events events) {
      this.events = events;
      connection = client.connectPubSub(CODEC);
    }

    @Override
    CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> connectionFor(String channel) {
      StatefulRedisClusterPubSubConnection<String, byte[]> cluster = connection;
      RedisClusterNode master = cluster.getPartitions()
          .getPartitionBySlot(SlotHash.getSlot(channel.getBytes(StandardCharsets.UTF_8)));
      if (master == null) {
        return CompletableFuture.failedFuture(new IllegalStateException("no Cluster master owns the slot of " + channel));
      }
      return cluster.getConnectionAsync(master.getNodeId()).thenApply(node -> {
        if (watched.add(node)) {
          listen(node, events);
        }
        return node;
      });
    }

    @Override
    void close() {
      StatefulRedisClusterPubSubConnection<String, byte[]> opened = connection;
      if (opened != null) {
        opened.close();
      }
    }
  }
}
