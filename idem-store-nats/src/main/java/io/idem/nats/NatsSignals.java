package io.idem.nats;

import io.idem.CorruptRecordException;
import io.idem.StoreUnavailableException;
import io.idem.spi.KeySignals;
import io.idem.spi.KeyWatch;
import io.idem.spi.StoredRecord;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes a {@link NatsStore}'s waiting duplicates (decisions 0510, 0016). The instance that completes,
 * releases or deletes a key publishes on {@code _IDEM.<bucket>.<key>} once the server has stored the
 * change ({@link #signal}), a completion with the stored record; a plain subscription on the
 * signal subjects of the keys someone waits on, through one dispatcher on the store's connection, hears
 * them from every instance. Reserves and extends send nothing. The KV subjects themselves are not
 * listened to: core NATS delivers every publish there, also a write JetStream then refuses, so such a
 * message would not say what is stored.
 *
 * <p>The subscription goes out on the connection the store then reads on, so the server has it before
 * the engine's read after registering. When the connection drops, every watch fails (the waiters poll)
 * and new watches are refused until jnats has reconnected and subscribed again.
 */
final class NatsSignals implements ConnectionListener, AutoCloseable {

  private final Connection connection;
  private final String subjectPrefix;
  private final boolean enabled;
  private final KeySignals<String> signals = new KeySignals<>();
  /** Open watches per subscribed subject. Guarded by this. */
  private final Map<String, Integer> subscribed = new HashMap<>();
  private Dispatcher dispatcher;
  private volatile boolean down;
  private boolean closed;

  /** @param enabled whether changes are signalled and watches accepted ({@code NatsStore.Builder.signalWaiters}) */
  NatsSignals(Connection connection, String bucket, boolean enabled) {
    this.connection = connection;
    this.subjectPrefix = subjectPrefix(bucket);
    this.enabled = enabled;
  }

  /** The subjects on which the store tells waiters what it stored: {@code _IDEM.<bucket>.<key>}. */
  static String subjectPrefix(String bucket) {
    return "_IDEM." + bucket + ".";
  }

  /**
   * Tells the waiters of {@code natsKey}, on every instance, that the key stopped being in progress: a
   * core publish on its signal subject, sent only after the server acknowledged the write, so a
   * completion's message ({@code record}) is what the key holds; an empty one (a release, a delete)
   * asks them to read. Best effort: a signal that cannot be sent is found by the waiters' safety re-read.
   */
  void signal(String natsKey, byte[] record) {
    if (!enabled) {
      return;
    }
    try {
      connection.publish(subjectPrefix + natsKey, record);
    } catch (RuntimeException closedOrFull) {
      // the waiters' safety re-read finds the change
    }
  }

  /** A watch of the record under {@code natsKey}; throws {@link StoreUnavailableException} while disconnected. */
  synchronized KeyWatch watch(String natsKey) {
    if (!enabled) {
      throw unavailable("signalWaiters(false): waiting duplicates poll");
    }
    if (closed) {
      throw unavailable("the store is closed");
    }
    if (down || connection.getStatus() != Connection.Status.CONNECTED) {
      throw unavailable("the connection to NATS is down; it reconnects by itself");
    }
    if (dispatcher == null) {
      connection.addConnectionListener(this);
      dispatcher = connection.createDispatcher(this::received);
    }
    String subject = subjectPrefix + natsKey;
    KeyWatch watch = signals.watch(subject);
    if (subscribed.merge(subject, 1, Integer::sum) == 1) {
      dispatcher.subscribe(subject);
    }
    return new Watch(watch, subject);
  }

  /**
   * A signal for a watched key, sent by the instance whose write the server stored: a completion's
   * carries the record, which its waiters answer from without reading; an empty one (a release, a
   * delete) wakes them to read, as do bytes this code cannot read.
   */
  private void received(Message message) {
    byte[] value = message.getData();
    String subject = message.getSubject();
    StoredRecord.Completed completed = null;
    if (value != null && value.length > 0) {
      try {
        if (RecordLayout.decode(value, subject).record() instanceof StoredRecord.Completed record) {
          completed = record;
        }
      } catch (CorruptRecordException e) {
        completed = null; // the waiter reads it and says so
      }
    }
    if (completed != null) {
      signals.fire(subject, completed);
    } else {
      signals.fire(subject);
    }
  }

  private synchronized void closed(String subject) {
    Integer left = subscribed.computeIfPresent(subject, (s, watches) -> watches == 1 ? null : watches - 1);
    if (left == null && dispatcher != null && !closed) {
      dispatcher.unsubscribe(subject);
    }
  }

  @Override
  public void connectionEvent(Connection conn, Events type) {
    switch (type) {
      case DISCONNECTED, CLOSED -> {
        down = true;
        signals.failAll(unavailable("the connection to NATS was lost"));
      }
      case RESUBSCRIBED, RECONNECTED -> down = false;
      default -> {
        // nothing changes for the waiters
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    signals.failAll(unavailable("the store is closed"));
    if (dispatcher != null) {
      connection.removeConnectionListener(this);
      if (connection.getStatus() != Connection.Status.CLOSED) {
        connection.closeDispatcher(dispatcher);
      }
    }
  }

  private static StoreUnavailableException unavailable(String why) {
    return new StoreUnavailableException(NatsStore.STORE_NAME, "watch", why, null);
  }

  /** A watch that drops its subject's subscription when it is the last one to close. */
  private final class Watch implements KeyWatch {
    private final KeyWatch watch;
    private final String subject;
    private final AtomicBoolean closed = new AtomicBoolean();

    Watch(KeyWatch watch, String subject) {
      this.watch = watch;
      this.subject = subject;
    }

    @Override
    public CompletionStage<Optional<StoredRecord.Completed>> signalled() {
      return watch.signalled();
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        watch.close();
        closed(subject);
      }
    }
  }
}
