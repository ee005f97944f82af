package io.idem.jdbc;

import io.idem.CorruptRecordException;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.StoreUnavailableException;
import io.idem.spi.KeySignals;
import io.idem.spi.KeyWatch;
import io.idem.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a {@link JdbcStore}'s waiting duplicates on PostgreSQL: the complete and release statements
 * {@code pg_notify} the table's channel with the record's key when they change a row, delivered when
 * their transaction commits (a transactional completion's too), and one listening connection per store
 * hears them on a daemon thread (decision 0210). The channel is the table's, so a store wakes only the
 * waiters of its own table; the payload is the key, so only that key's waiters wake. A completion's
 * payload also carries the completed record when it fits under PostgreSQL's 8,000-byte limit, so its
 * waiters answer without reading the row.
 *
 * <p>The listener starts with the first watch, which waits (at most the store's timeout) until it
 * listens, so the engine's read after registering cannot miss a completion. When the listening
 * connection fails, every watch fails (the waiters poll), new watches are refused at once until it
 * listens again, and the listener reconnects by itself.
 */
final class PostgresSignals implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
  /** How long the listener waits for notifications at a time. */
  private static final int POLL_MILLIS = 1_000;
  /** Silence after which the listener checks that its connection still answers (a dead peer may never say so). */
  private static final long CHECK_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long MAX_BACKOFF_MILLIS = 2_000;
  /** A notification's payload must stay under 8,000 bytes; this leaves room to spare. */
  private static final long MAX_PAYLOAD_BYTES = 7_900;

  /** Opens the listening connection, outside the pool where the store has one of its own. */
  @FunctionalInterface
  interface ListenerConnection {
    Connection open() throws SQLException;
  }

  private final ListenerConnection source;
  private final String channel;
  private final Duration timeout;
  private final KeySignals<String> signals = new KeySignals<>();
  /** Keys whose key-only notification a completion here will follow with the record (see {@link #expectHere}). */
  private final Map<String, Integer> expectedHere = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private Thread listener;
  /** Completes when the listener listens; replaced when it is lost. Guarded by lock. */
  private CompletableFuture<Void> listening = new CompletableFuture<>();
  private volatile Connection current;
  /** Set while the listener reconnects after a failure: watches are refused at once instead of waiting. */
  private volatile boolean down;
  private volatile boolean closed;

  PostgresSignals(ListenerConnection source, String table, Duration timeout) {
    this.source = source;
    this.channel = channel(table);
    this.timeout = timeout;
  }

  /**
   * The notification channel of {@code table}: {@code idem_} and the table name as PostgreSQL folds
   * it, or a digest of it when that is longer than an identifier may be (63 bytes).
   */
  static String channel(String table) {
    String name = "idem_" + table.toLowerCase(Locale.ROOT);
    if (name.length() <= 63) {
      return name;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return "idem_" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  /** What a complete or release statement sends to the waiters of {@code key}, first or alone. */
  static String payload(IdempotencyKey key) {
    return key.encoded();
  }

  /**
   * The Base64 form of {@code result} that a completion's notification carries after the key and the
   * fingerprint, or null when the whole payload would not fit under PostgreSQL's limit (then the
   * waiters read the row).
   */
  static String carriedResult(String keyPayload, byte[] result) {
    long length = (long) keyPayload.getBytes(StandardCharsets.UTF_8).length + 2 + 2L * Fingerprint.LENGTH
        + 4L * ((result.length + 2) / 3);
    return length <= MAX_PAYLOAD_BYTES ? Base64.getEncoder().encodeToString(result) : null;
  }

  /** See {@link WaiterSignals#changed}: the same wake as the notification's, without its round trip. */
  void wakeHere(IdempotencyKey key, byte[] fingerprint, byte[] result) {
    String channelKey = payload(key);
    if (!signals.watched(channelKey)) {
      return;
    }
    if (fingerprint == null) {
      signals.fire(channelKey);
    } else {
      // The waiters share the record: a copy, so that nothing the caller does to its array reaches them.
      signals.fire(channelKey, new StoredRecord.Completed(Fingerprint.fromBytes(fingerprint), result.clone()));
    }
  }

  /**
   * A completion of {@code key} whose notification carries only the key runs through this store
   * instance: until {@link #expectedHereEnded}, that notification does not wake the key's waiters here,
   * since {@link #wakeHere} will, with the whole record.
   */
  void expectHere(IdempotencyKey key) {
    expectedHere.merge(payload(key), 1, Integer::sum);
  }

  /** The completion {@link #expectHere} announced returned; unless it woke the key's waiters itself, they read. */
  void expectedHereEnded(IdempotencyKey key, boolean wokeHere) {
    String channelKey = payload(key);
    expectedHere.computeIfPresent(channelKey, (k, count) -> count == 1 ? null : count - 1);
    if (!wokeHere) {
      signals.fire(channelKey);
    }
  }

  /** Wakes the waiters a notification names: with the record it carries, or to read the row. */
  private void received(String payload) {
    int keyEnd = payload.indexOf('\n');
    if (keyEnd < 0) {
      if (!expectedHere.containsKey(payload)) {
        signals.fire(payload);
      }
      return;
    }
    String key = payload.substring(0, keyEnd);
    int fingerprintEnd = payload.indexOf('\n', keyEnd + 1);
    StoredRecord.Completed completed = null;
    if (fingerprintEnd == keyEnd + 1 + 2 * Fingerprint.LENGTH) {
      try {
        completed = new StoredRecord.Completed(
            Fingerprint.fromBytes(HexFormat.of().parseHex(payload, keyEnd + 1, fingerprintEnd)),
            Base64.getDecoder().decode(payload.substring(fingerprintEnd + 1)));
      } catch (IllegalArgumentException | CorruptRecordException unreadable) {
        completed = null; // not written by Idem: the waiters read the row
      }
    }
    if (completed != null) {
      signals.fire(key, completed);
    } else {
      signals.fire(key);
    }
  }

  /** The SQL string literal of the channel: a table name holds letters, digits, {@code _} and {@code .} only. */
  static String channelLiteral(String table) {
    return "'" + channel(table) + "'";
  }

  /** A watch of {@code key}, once the listener listens; throws {@link StoreUnavailableException} when it cannot. */
  KeyWatch watch(IdempotencyKey key) {
    CompletableFuture<Void> ready;
    synchronized (lock) {
      if (closed) {
        throw unavailable("the store is closed", null);
      }
      if (down) {
        throw unavailable("the listening connection is down; it reconnects by itself", null);
      }
      if (listener == null) {
        listener = new Thread(this::listen, "idem-postgresql-listener");
        listener.setDaemon(true);
        listener.start();
      }
      ready = listening;
    }
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while the listener connected", e);
    } catch (TimeoutException e) {
      throw unavailable("the listening connection was not up within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw unavailable("the listening connection is not up: " + e.getCause().getMessage(), e.getCause());
    }
    return signals.watch(payload(key));
  }

  private void listen() {
    long backoff = 50;
    while (!closed) {
      try (Connection connection = source.open()) {
        current = connection;
        connection.setAutoCommit(true);
        PGConnection notifications = connection.unwrap(PGConnection.class);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN \"" + channel + "\"");
        }
        synchronized (lock) {
          down = false;
          listening.complete(null);
        }
        backoff = 50;
        long heard = System.nanoTime();
        while (!closed) {
          PGNotification[] received = notifications.getNotifications(POLL_MILLIS);
          if (received != null && received.length > 0) {
            heard = System.nanoTime();
            for (PGNotification notification : received) {
              received(notification.getParameter());
            }
          } else if (System.nanoTime() - heard > CHECK_AFTER_NANOS) {
            if (!connection.isValid((int) Math.max(1, timeout.toSeconds()))) {
              throw new SQLException("the listening connection stopped answering");
            }
            heard = System.nanoTime();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        lost(e);
        pause(backoff);
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      } finally {
        current = null;
      }
    }
  }

  private void lost(Exception cause) {
    boolean wasListening;
    synchronized (lock) {
      down = true;
      wasListening = listening.isDone();
      if (wasListening) {
        listening = new CompletableFuture<>();
      }
    }
    if (wasListening) {
      LOG.warn("Lost the PostgreSQL listening connection ({}): waiting duplicates poll until it is back", cause.getMessage());
    }
    signals.failAll(unavailable("the listening connection failed: " + cause.getMessage(), cause));
  }

  private void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    Thread running;
    synchronized (lock) {
      closed = true;
      running = listener;
    }
    signals.failAll(unavailable("the store is closed", null));
    Connection connection = current;
    if (connection != null) {
      try {
        connection.close(); // ends the listener's wait for notifications at once
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    if (running != null) {
      running.interrupt();
    }
  }

  private static StoreUnavailableException unavailable(String why, Throwable cause) {
    return new StoreUnavailableException("postgresql", "watch", why, cause);
  }
}
