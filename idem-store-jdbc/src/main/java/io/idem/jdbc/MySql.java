package io.idem.jdbc;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * MySQL 8 and MariaDB 10.6+. Reserve is two statements in autocommit, no transaction: an
 * {@code INSERT .. ON DUPLICATE KEY UPDATE} whose assignments take the row over only when it has
 * expired, then a read of the live row. The row holds our token exactly when the upsert took it, so
 * the read tells "acquired" from "found" (see decision 0202).
 *
 * <p>Time is {@code UTC_TIMESTAMP(6)}: fixed for the statement and free of session time zones.
 */
final class MySql extends Sql {

  private static final int ATTEMPTS = 8;

  private final String upsert;
  private final String read;
  private final String cleanup;

  MySql(String table) {
    super(table, false);
    String expired = "expires_at <= " + now();
    this.upsert = "INSERT INTO " + table + " (namespace, tenant, idem_key, fingerprint, token, result, expires_at)"
        + " VALUES (?, ?, ?, ?, ?, NULL, " + later() + ")"
        + " ON DUPLICATE KEY UPDATE"
        // MySQL assigns left to right and later expressions see earlier assignments: expires_at,
        // which every condition reads, must be assigned last.
        + " fingerprint = IF(" + expired + ", VALUES(fingerprint), fingerprint),"
        + " token = IF(" + expired + ", VALUES(token), token),"
        + " result = IF(" + expired + ", NULL, result),"
        + " expires_at = IF(" + expired + ", VALUES(expires_at), expires_at)";
    this.read = "SELECT token, fingerprint, result FROM " + table
        + " WHERE namespace = ? AND tenant = ? AND idem_key = ? AND expires_at > " + now();
    this.cleanup = "DELETE FROM " + table + " WHERE expires_at <= " + now() + " LIMIT ?";
  }

  @Override
  Dialect dialect() {
    return Dialect.MYSQL;
  }

  @Override
  String now() {
    return "UTC_TIMESTAMP(6)";
  }

  @Override
  String later() {
    return "(UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND)";
  }

  @Override
  String cleanup() {
    return cleanup;
  }

  @Override
  void bindText(PreparedStatement statement, int index, String value) throws SQLException {
    statement.setBytes(index, utf8(value));
  }

  @Override
  Reservation reserve(Connection connection, int queryTimeoutSeconds, IdempotencyKey key, Fingerprint fingerprint,
      LeaseToken token, long leaseMicros) throws SQLException {
    byte[] tokenBytes = token.bytes();
    // The read finds no live row only when the record vanished between the two statements (released,
    // deleted or expired): the reservation then simply starts over.
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try (PreparedStatement statement = connection.prepareStatement(upsert)) {
        statement.setQueryTimeout(queryTimeoutSeconds);
        bindInsert(statement, key, fingerprint, tokenBytes, leaseMicros);
        statement.executeUpdate();
      }
      try (PreparedStatement statement = connection.prepareStatement(read)) {
        statement.setQueryTimeout(queryTimeoutSeconds);
        bindKey(statement, 1, key);
        try (ResultSet row = statement.executeQuery()) {
          if (row.next()) {
            if (Arrays.equals(row.getBytes(1), tokenBytes)) {
              return Reservation.acquired(token);
            }
            return Reservation.found(Rows.record(row.getBytes(2), row.getBytes(3)));
          }
        }
      }
    }
    throw new SQLException("the record under " + key + " vanished " + ATTEMPTS
        + " times between upsert and read", "IDEM2");
  }
}
