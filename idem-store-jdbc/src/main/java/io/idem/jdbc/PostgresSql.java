package io.idem.jdbc;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * PostgreSQL 13+. Reserve is one {@code INSERT .. ON CONFLICT DO UPDATE .. RETURNING}: it always
 * returns the row, whether it inserted, took over an expired row or left a live one alone, so it
 * answers in one round trip and cannot miss the row in a race (an insert-else-select CTE can).
 *
 * <p>Time is {@code statement_timestamp()}: fixed for the statement, so every {@code CASE} of one
 * reserve sees the same instant, yet not the transaction's start as {@code now()} is, which inside
 * a long transactional completion would let an expired lease pass the fence.
 */
final class PostgresSql extends Sql {

  private final String reserve;
  private final String cleanup;
  private final CommittedHere committedHere;

  PostgresSql(String table, boolean notifyWaiters, CommittedHere committedHere) {
    super(table, notifyWaiters);
    this.committedHere = committedHere;
    String expired = "r.expires_at <= " + now();
    this.reserve = "INSERT INTO " + table + " AS r (namespace, tenant, idem_key, fingerprint, token, result, expires_at)"
        + " VALUES (?, ?, ?, ?, ?, NULL, " + later() + ")"
        + " ON CONFLICT (namespace, tenant, idem_key) DO UPDATE SET"
        // Every CASE reads the old row (r), so the order of the assignments does not matter.
        + " fingerprint = CASE WHEN " + expired + " THEN excluded.fingerprint ELSE r.fingerprint END,"
        + " token = CASE WHEN " + expired + " THEN excluded.token ELSE r.token END,"
        + " result = CASE WHEN " + expired + " THEN NULL ELSE r.result END,"
        + " expires_at = CASE WHEN " + expired + " THEN excluded.expires_at ELSE r.expires_at END"
        + " RETURNING coalesce(r.token = ?, false) AS acquired, r.fingerprint, r.result";
    // The outer time check re-runs on the locked row: a row taken over after the inner select saw it
    // expired is left alone.
    this.cleanup = "DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table
        + " WHERE expires_at <= " + now() + " LIMIT ? FOR UPDATE SKIP LOCKED)) AND expires_at <= " + now();
  }

  @Override
  Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  String now() {
    return "statement_timestamp()";
  }

  @Override
  String later() {
    return "(statement_timestamp() + ? * interval '1 microsecond')";
  }

  /**
   * {@code pg_notify} of the table's channel with the key, for each row the statement changed (one or
   * none), delivered when the transaction commits (decision 0210). The statement's answer is that row.
   */
  @Override
  String signalling(String statement) {
    if (!notifyWaiters) {
      return statement;
    }
    return "WITH changed AS (" + statement + " RETURNING 1) SELECT pg_notify(" + PostgresSignals.channelLiteral(table)
        + ", ?) FROM changed";
  }

  /**
   * {@link #signalling}, and the notification of a completion carries the completed record when it
   * fits (see {@link PostgresSignals#payload(IdempotencyKey, String)}): the key, then the row's
   * fingerprint in hex and the result in Base64, each after a line feed, which no key holds. The second
   * parameter is the Base64 result, or NULL for a key-only payload.
   */
  @Override
  String completing(String statement) {
    if (!notifyWaiters) {
      return statement;
    }
    return "WITH changed AS (" + statement + " RETURNING fingerprint) SELECT pg_notify("
        + PostgresSignals.channelLiteral(table) + ", ? || coalesce(chr(10) || encode(fingerprint, 'hex') || chr(10) || ?, '')),"
        + " fingerprint FROM changed";
  }

  @Override
  boolean changedOne(PreparedStatement statement, int index, IdempotencyKey key) throws SQLException {
    if (!notifyWaiters) {
      return super.changedOne(statement, index, key);
    }
    statement.setString(index, PostgresSignals.payload(key));
    try (ResultSet changed = statement.executeQuery()) {
      if (!changed.next()) {
        return false;
      }
      wakeHereIfCommitted(statement, key, null, null);
      return true;
    }
  }

  @Override
  boolean completedOne(PreparedStatement statement, int index, IdempotencyKey key, byte[] result) throws SQLException {
    if (!notifyWaiters) {
      return super.changedOne(statement, index, key);
    }
    String keyPayload = PostgresSignals.payload(key);
    statement.setString(index, keyPayload);
    String carried = PostgresSignals.carriedResult(keyPayload, result);
    if (carried == null) {
      statement.setNull(index + 1, Types.VARCHAR);
    } else {
      statement.setString(index + 1, carried);
    }
    // The key-only notification can reach this process's listener before the statement's answer
    // reaches this thread: it is left to the wake below, which carries the record.
    boolean keyOnlyHere = carried == null && statement.getConnection().getAutoCommit();
    if (keyOnlyHere) {
      committedHere.completing(key);
    }
    boolean wokeHere = false;
    try (ResultSet changed = statement.executeQuery()) {
      if (!changed.next()) {
        return false;
      }
      wakeHereIfCommitted(statement, key, changed.getBytes(2), result);
      wokeHere = keyOnlyHere;
      return true;
    } finally {
      if (keyOnlyHere) {
        committedHere.ended(key, wokeHere);
      }
    }
  }

  /**
   * A statement that ran on its own (autocommit) is committed when it returns: this process's waiters
   * wake now, not a notification round trip later. Inside a transaction they wait for the commit's
   * notification: a row that may still roll back wakes nobody.
   */
  private void wakeHereIfCommitted(PreparedStatement statement, IdempotencyKey key, byte[] fingerprint, byte[] result)
      throws SQLException {
    if (statement.getConnection().getAutoCommit()) {
      committedHere.changed(key, fingerprint, result);
    }
  }

  @Override
  String cleanup() {
    return cleanup;
  }

  @Override
  Reservation reserve(Connection connection, int queryTimeoutSeconds, IdempotencyKey key, Fingerprint fingerprint,
      LeaseToken token, long leaseMicros) throws SQLException {
    byte[] tokenBytes = token.bytes();
    try (PreparedStatement statement = connection.prepareStatement(reserve)) {
      statement.setQueryTimeout(queryTimeoutSeconds);
      statement.setBytes(bindInsert(statement, key, fingerprint, tokenBytes, leaseMicros), tokenBytes);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          throw new SQLException("INSERT .. ON CONFLICT DO UPDATE .. RETURNING returned no row", "IDEM1");
        }
        if (row.getBoolean(1)) {
          return Reservation.acquired(token);
        }
        return Reservation.found(Rows.record(row.getBytes(2), row.getBytes(3)));
      }
    }
  }
}
