package io.idem.jdbc;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/**
 * The statements of one dialect for one table. Every statement that reads or writes expiry uses
 * {@link #now()}, the database's clock, never the application's.
 *
 * <p>Fenced statements share one shape, {@code WHERE <key> AND token = ? AND expires_at > now}: a
 * completed record has a NULL token and an expired one fails the time check, so only the live
 * holder matches.
 */
abstract class Sql {

  final String table;
  /** Whether the complete and release statements tell waiters (PostgreSQL only, decision 0210). */
  final boolean notifyWaiters;
  final String complete;
  final String release;
  final String extend;
  final String find;
  final String delete;
  final String purge;

  Sql(String table, boolean notifyWaiters) {
    this.table = table;
    this.notifyWaiters = notifyWaiters;
    String key = "namespace = ? AND tenant = ? AND idem_key = ?";
    String live = "expires_at > " + now();
    this.complete = completing("UPDATE " + table + " SET token = NULL, result = ?, expires_at = " + later()
        + " WHERE " + key + " AND token = ? AND " + live);
    this.release = signalling("DELETE FROM " + table + " WHERE " + key + " AND token = ? AND " + live);
    this.extend = "UPDATE " + table + " SET expires_at = " + later() + " WHERE " + key + " AND token = ? AND " + live;
    this.find = "SELECT fingerprint, result FROM " + table + " WHERE " + key + " AND " + live;
    this.delete = "DELETE FROM " + table + " WHERE " + key + " AND " + live;
    this.purge = "DELETE FROM " + table + " WHERE namespace = ? AND " + live;
  }

  /**
   * What a store's own committed complete or release tells its waiters in this process, before the
   * server's notification reaches them: the key, and for a completion the row's fingerprint and the
   * stored result (null for a release).
   */
  interface CommittedHere {
    void changed(IdempotencyKey key, byte[] fingerprint, byte[] result);

    /**
     * A completion whose notification carries only the key runs on its own now: until {@link #ended},
     * that notification is left to the wake here, which carries the whole record.
     */
    void completing(IdempotencyKey key);

    /**
     * The completion {@link #completing} announced returned. Unless it woke the waiters here itself
     * ({@code wokeHere}), they read: it may have thrown after committing, or found the key changed by
     * another process, whose notification was left to it.
     */
    void ended(IdempotencyKey key, boolean wokeHere);
  }

  static Sql of(Dialect dialect, String table, boolean notifyWaiters, CommittedHere committedHere) {
    return dialect == Dialect.POSTGRESQL ? new PostgresSql(table, notifyWaiters, committedHere) : new MySql(table);
  }

  abstract Dialect dialect();

  /** The database's current time, fixed for the duration of one statement. */
  abstract String now();

  /** {@link #now()} plus one parameter in microseconds. */
  abstract String later();

  /** Deletes at most one parameter's worth of expired rows; safe to run from many instances at once. */
  abstract String cleanup();

  /** Atomically takes the key when absent or expired, else reads what is there (see the dialects). */
  abstract Reservation reserve(Connection connection, int queryTimeoutSeconds, IdempotencyKey key,
      Fingerprint fingerprint, LeaseToken token, long leaseMicros) throws SQLException;

  /**
   * The complete or release statement as run: as it is, or, where the database can notify, one that
   * also tells the key's waiters when it changed the row. Called from the constructor: uses only
   * {@link #table} and {@link #notifyWaiters}.
   */
  String signalling(String statement) {
    return statement;
  }

  /** The complete statement as run: {@link #signalling} it, where the signal also carries the record. */
  String completing(String statement) {
    return signalling(statement);
  }

  /**
   * Runs a release statement whose own parameters are bound up to {@code index}: whether it changed
   * the record.
   */
  boolean changedOne(PreparedStatement statement, int index, IdempotencyKey key) throws SQLException {
    return statement.executeUpdate() == 1;
  }

  /** {@link #changedOne} for the complete statement, which stored {@code result}. */
  boolean completedOne(PreparedStatement statement, int index, IdempotencyKey key, byte[] result) throws SQLException {
    return changedOne(statement, index, key);
  }

  /** Binds namespace, tenant and key from {@code index} on; returns the next index. */
  int bindKey(PreparedStatement statement, int index, IdempotencyKey key) throws SQLException {
    bindText(statement, index, key.namespace());
    bindText(statement, index + 1, key.tenant());
    bindText(statement, index + 2, key.key());
    return index + 3;
  }

  /** Binds the VALUES of a reserve's insert: key, fingerprint, token, lease; returns the next index. */
  int bindInsert(PreparedStatement statement, IdempotencyKey key, Fingerprint fingerprint, byte[] token,
      long leaseMicros) throws SQLException {
    int i = bindKey(statement, 1, key);
    statement.setBytes(i, fingerprint.bytes());
    statement.setBytes(i + 1, token);
    statement.setLong(i + 2, leaseMicros);
    return i + 3;
  }

  void bindText(PreparedStatement statement, int index, String value) throws SQLException {
    statement.setString(index, value);
  }

  static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code duration} as the microseconds {@link #later()} adds; it must be positive. */
  static long micros(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + duration);
    }
    try {
      return duration.toNanos() / 1000;
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(what + " is too long: " + duration, e);
    }
  }
}
