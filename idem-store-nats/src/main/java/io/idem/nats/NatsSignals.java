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
 * Wakes a {@link NatsStore}'s waiting duplicates (decision 0510). Every write of a record is a publish
 * on the key's subject {@code $KV.<bucket>.<key>}, and core NATS delivers a publish to every
 * subscriber of its subject, whatever JetStream makes of it. So a plain subscription on the subjects of
 * the keys someone waits on, through one dispatcher on the store's connection, hears completions and
 * releases from every instance; writes of an in-progress record (reserves, extends) wake nobody.
 *
 * <p>The subscription goes out on the connection the store then reads on, so the server has it before
 * the engine's read after registering. When the connection drops, every watch fails (the waiters poll)
 * and new watches are refused until jnats has reconnected and subscribed again.
 */
final class NatsSignals implements ConnectionListener, AutoCloseable {

  private final Connection connection;
  private final String subjectPrefix;
  private final KeySignals<String> signals = new KeySignals<>();
  /** Open watches per subscribed subject. Guarded by this. */
  private final Map<String, Integer> subscribed = new HashMap<>();
  private Dispatcher dispatcher;
  private volatile boolean down;
  private boolean closed;

  NatsSignals(Connection connection, String bucket) {
    this.connection = connection;
    this.subjectPrefix = "$KV." + bucket + ".";
  }

  /** A watch of the record under {@code natsKey}; throws {@link StoreUnavailableException} while disconnected. */
  synchronized KeyWatch watch(String natsKey) {
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
   * A write of a watched key: a completion or a release wakes its waiters, who read the record. The
   * message is not taken as the record: core NATS delivers every publish on the subject, also one that
   * JetStream then refuses (a completion fenced out by a newer revision), so only a read says what is
   * stored (decision 0510).
   */
  private void received(Message message) {
    if (!inProgress(message.getData(), message.getSubject())) {
      signals.fire(message.getSubject());
    }
  }

  /** Whether a write leaves the key in progress (a reserve, an extend): nothing a waiter waits for. */
  private static boolean inProgress(byte[] value, String subject) {
    if (value == null || value.length == 0) {
      return false; // a release marker
    }
    try {
      return RecordLayout.decode(value, subject).inProgress();
    } catch (CorruptRecordException e) {
      return false; // the waiter reads it and says so
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
