package io.idem.redis;

import io.idem.StoreUnavailableException;
import io.idem.spi.KeySignals;
import io.idem.spi.KeyWatch;
import io.idem.spi.StoredRecord;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a {@link RedisStore}'s waiting duplicates: the complete, release and delete scripts
 * {@code SPUBLISH} on the record's own key as a shard channel, and this class subscribes to the
 * channel of each key someone waits on, on one subscriber connection per store (per master on a
 * Cluster), opened when the first duplicate waits (decision 0110).
 *
 * <p>A subscription is made when a key's first watch starts and dropped when its last one closes. A
 * reserve of a key whose subscription the server has not yet confirmed waits for the confirmation
 * ({@link #subscribing}), so the engine's read after registering cannot miss a completion. When a
 * subscriber connection drops, every watch fails (the waiters poll) and new watches are refused until
 * it is back; Lettuce's own re-subscription is cleared then, since nobody waits on it any more.
 */
final class RedisSignals implements SubscriberConnections.Events {

  private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
  /** How long after a failed connect a new watch tries again, instead of each watch connecting anew. */
  private static final long RECONNECT_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final SubscriberConnections connections;
  private final String noChannel;
  private final Duration timeout;
  private final KeySignals<String> signals = new KeySignals<>();
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  /** Subscriber connections lost and not yet back. */
  private final Set<RedisChannelHandler<?, ?>> lost = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  /** The last subscribe or unsubscribe handed to Lettuce: each goes out after the one before. Guarded by lock. */
  private CompletableFuture<Void> sent;
  private long openFailedAt;
  private boolean openFailed;
  private boolean closed;

  /** One channel's subscription: the watches sharing it, and the server's confirmation. */
  private static final class Subscription {
    int watches;
    final CompletableFuture<Void> confirmed = new CompletableFuture<>();
  }

  /**
   * @param connections where subscriptions live; null when the store has no client to open them from
   * @param noChannel why there is no channel, when {@code connections} is null
   */
  RedisSignals(SubscriberConnections connections, String noChannel, Duration timeout) {
    this.connections = connections;
    this.noChannel = noChannel;
    this.timeout = timeout;
  }

  /** A watch of the record {@code channel} names; throws {@link StoreUnavailableException} when the channel is down. */
  KeyWatch watch(String channel) {
    synchronized (lock) {
      if (connections == null) {
        throw unavailable(noChannel);
      }
      if (closed) {
        throw unavailable("the store is closed");
      }
      if (down()) {
        throw unavailable("the subscriber connection to Redis is lost; it reconnects by itself");
      }
      if (sent == null) {
        if (openFailed && System.nanoTime() - openFailedAt < RECONNECT_PAUSE_NANOS) {
          throw unavailable("the subscriber connection to Redis could not be opened; trying again shortly");
        }
        sent = open();
      }
      KeyWatch watch = signals.watch(channel);
      Subscription subscription = subscriptions.get(channel);
      if (subscription == null) {
        subscription = new Subscription();
        subscriptions.put(channel, subscription);
        Subscription made = subscription;
        send(channel, RedisPubSubAsyncCommands::ssubscribe).orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
            .whenComplete((ok, failure) -> {
              made.confirmed.complete(null);
              if (failure != null) {
                channelLost(null, BoundedCommands.cause(failure));
              }
            });
      }
      subscription.watches++;
      return new Watch(watch, channel, subscription);
    }
  }

  /**
   * When a subscription to {@code channel} is on its way and not yet confirmed, the stage that
   * completes once it is (or failed); null otherwise, which is every reserve of a store nobody waits on.
   */
  CompletableFuture<Void> subscribing(String channel) {
    if (subscriptions.isEmpty()) {
      return null;
    }
    Subscription subscription = subscriptions.get(channel);
    return subscription == null || subscription.confirmed.isDone() ? null : subscription.confirmed;
  }

  /** Waiters registered now, for tests. */
  int waiting() {
    return signals.waiting();
  }

  void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      subscriptions.clear();
    }
    signals.failAll(unavailable("the store is closed"));
    if (connections != null) {
      connections.close();
    }
  }

  private CompletableFuture<Void> open() {
    CompletableFuture<Void> opened = new CompletableFuture<>();
    Thread opener = new Thread(() -> {
      try {
        connections.open(this);
        opened.complete(null);
      } catch (RuntimeException e) {
        synchronized (lock) {
          openFailed = true;
          openFailedAt = System.nanoTime();
          sent = null;
        }
        opened.completeExceptionally(e);
      }
    }, "idem-redis-signals-connect");
    opener.setDaemon(true);
    opener.start();
    return opened;
  }

  /** Hands one command on {@code channel} to Lettuce after the ones before it; the stage is its answer. Under lock. */
  private CompletableFuture<Void> send(String channel,
      BiFunction<RedisPubSubAsyncCommands<String, byte[]>, String[], RedisFuture<Void>> command) {
    CompletableFuture<Void> answer = new CompletableFuture<>();
    sent = sent.thenCompose(ready -> connections.connectionFor(channel)).thenAccept(connection -> {
      command.apply(connection.async(), new String[] {channel}).whenComplete((ok, failure) -> {
        if (failure != null) {
          answer.completeExceptionally(failure);
        } else {
          answer.complete(null);
        }
      });
    }).exceptionally(failure -> {
      answer.completeExceptionally(failure);
      return null;
    });
    return answer;
  }

  private void unsubscribe(String channel) {
    synchronized (lock) {
      if (sent != null && !closed) {
        // A failure leaves a subscription nobody waits on: cleared when its message comes or its connection returns.
        send(channel, RedisPubSubAsyncCommands::sunsubscribe);
      }
    }
  }

  /** Fails every watch (their waiters poll) and forgets every subscription; {@code connection} is down until back. */
  private void channelLost(RedisChannelHandler<?, ?> connection, Throwable cause) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (connection != null && lost.add(connection) && lost.size() == 1) {
        LOG.warn("Lost the Redis subscriber connection: waiting duplicates poll until it is back");
      }
      subscriptions.clear();
    }
    signals.failAll(cause instanceof StoreUnavailableException ? cause
        : unavailable("the subscriber connection failed: " + cause.getMessage()));
  }

  /** Whether a lost connection is still away; one that was closed for good no longer counts. */
  private boolean down() {
    lost.removeIf(RedisChannelHandler::isClosed);
    return !lost.isEmpty();
  }

  private static StoreUnavailableException unavailable(String why) {
    return new StoreUnavailableException(BoundedCommands.STORE_NAME, "watch", why, null);
  }

  // Events of the subscriber connections, on Lettuce's I/O threads.

  /**
   * A completion's message is the completed record (when its result is small enough, see
   * {@link LuaScript#COMPLETE}): its waiters answer from it. Any other message wakes them to read.
   */
  @Override
  public void smessage(String channel, byte[] message) {
    StoredRecord.Completed completed = RecordLayout.completedOrNull(message);
    if (completed != null) {
      signals.fire(channel, completed);
    } else {
      signals.fire(channel);
    }
    if (!subscriptions.containsKey(channel)) {
      unsubscribe(channel); // left over from before a reconnect or a failed unsubscribe
    }
  }

  /**
   * The server ends a subscription itself when the channel's slot moves to another master: its
   * waiters are woken, read again and subscribe anew, where the slot now is.
   */
  @Override
  public void sunsubscribed(String channel, long count) {
    Subscription subscription = subscriptions.get(channel);
    if (subscription != null && subscription.confirmed.isDone()) {
      signals.fire(channel);
    }
  }

  @Override
  public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
    channelLost(connection, unavailable("the subscriber connection to Redis was lost"));
  }

  @Override
  public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
    if (!lost.contains(connection)) {
      return; // the first connect
    }
    if (connection instanceof StatefulRedisPubSubConnection<?, ?> pubSub) {
      // Lettuce re-subscribed what it had: nobody waits on it now.
      @SuppressWarnings("unchecked")
      StatefulRedisPubSubConnection<String, byte[]> strings = (StatefulRedisPubSubConnection<String, byte[]>) pubSub;
      BoundedCommands.send(() -> strings.async().sunsubscribe());
    }
    synchronized (lock) {
      lost.remove(connection);
      if (lost.isEmpty()) {
        LOG.info("The Redis subscriber connection is back: waiting duplicates are woken by the store again");
      }
    }
  }

  @Override
  public void message(String channel, byte[] message) {}

  @Override
  public void message(String pattern, String channel, byte[] message) {}

  @Override
  public void subscribed(String channel, long count) {}

  @Override
  public void psubscribed(String pattern, long count) {}

  @Override
  public void unsubscribed(String channel, long count) {}

  @Override
  public void punsubscribed(String pattern, long count) {}

  /** A watch that drops its key's subscription when it is the last one to close. */
  private final class Watch implements KeyWatch {
    private final KeyWatch watch;
    private final String channel;
    private final Subscription subscription;
    private final AtomicBoolean closed = new AtomicBoolean();

    Watch(KeyWatch watch, String channel, Subscription subscription) {
      this.watch = watch;
      this.channel = channel;
      this.subscription = subscription;
    }

    @Override
    public CompletionStage<Optional<StoredRecord.Completed>> signalled() {
      return watch.signalled();
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      watch.close();
      boolean last;
      synchronized (lock) {
        last = --subscription.watches == 0 && subscriptions.remove(channel, subscription);
      }
      if (last) {
        unsubscribe(channel);
      }
    }
  }
}
