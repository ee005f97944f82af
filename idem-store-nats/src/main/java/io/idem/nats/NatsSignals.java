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
 * Wakes a {@link NatsStore}'s waiting duplicates (decisions 0510, 0016). A bucket Idem creates
 * republishes every write its stream stored on {@code _IDEM.<bucket>.<key>}; a plain subscription on
 * that subject of the keys someone waits on, through one dispatcher on the store's connection, hears
 * completions and releases from every instance, and a completion's message is the stored record, which
 * the waiters answer from. On a bucket without that republishing it listens on the key's KV subject
 * {@code $KV.<bucket>.<key>} instead, where core NATS delivers every write, stored or refused: there a
 * message only wakes the waiters, who read. Writes of an in-progress record (reserves, extends) wake
 * nobody.
 *
 * <p>The subscription goes out on the connection the store then reads on, so the server has it before
 * the engine's read after registering. When the connection drops, every watch fails (the waiters poll)
 * and new watches are refused until jnats has reconnected and subscribed again.
 */
final class NatsSignals implements ConnectionListener, AutoCloseable {

  private final Connection connection;
  private final String subjectPrefix;
  /** Whether the subjects carry only writes the stream stored, so a completion's message is the record. */
  private final boolean storedOnly;
  private final KeySignals<String> signals = new KeySignals<>();
  /** Open watches per subscribed subject. Guarded by this. */
  private final Map<String, Integer> subscribed = new HashMap<>();
  private Dispatcher dispatcher;
  private volatile boolean down;
  private boolean closed;

  /**
   * @param storedWrites the prefix of the subjects on which the bucket's stream republishes what it
   *     stored, or null to listen on the KV subjects themselves
   */
  NatsSignals(Connection connection, String bucket, String storedWrites) {
    this.connection = connection;
    this.storedOnly = storedWrites != null;
    this.subjectPrefix = storedOnly ? storedWrites : BucketSetup.kvSubjectPrefix(bucket);
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
   * A write of a watched key: a completion wakes its waiters and, when the message is one the stream
   * stored (republished), hands them the record so they read nothing; a release or delete marker wakes
   * them to read. A message on a KV subject itself is never taken as the record: core NATS delivers
   * every publish there, also one that JetStream then refuses (a completion fenced out by a newer
   * revision), so only a read says what is stored (decision 0016).
   */
  private void received(Message message) {
    byte[] value = message.getData();
    String subject = message.getSubject();
    if (value == null || value.length == 0) {
      signals.fire(subject); // a release or delete marker
      return;
    }
    RecordLayout.Decoded written;
    try {
      written = RecordLayout.decode(value, subject);
    } catch (CorruptRecordException e) {
      signals.fire(subject); // the waiter reads it and says so
      return;
    }
    if (written.inProgress()) {
      return; // a reserve or an extend: nothing a waiter waits for
    }
    if (storedOnly) {
      signals.fire(subject, (StoredRecord.Completed) written.record());
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
