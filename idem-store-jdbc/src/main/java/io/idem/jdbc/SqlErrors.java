package io.idem.jdbc;

import io.idem.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;

/** Translates driver errors into the core's one failure type, at the store's edge. */
final class SqlErrors {

  private SqlErrors() {}

  static StoreUnavailableException translate(String store, String operation, String table, SQLException e) {
    return new StoreUnavailableException(store, operation, describe(table, e), e);
  }

  private static String describe(String table, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = e.getMessage() + " (SQLState " + (state.isEmpty() ? "none" : state) + ")";
    if (e instanceof SQLTimeoutException || state.equals("57014") || state.equals("70100")) {
      return "the database did not answer in time: " + message;
    }
    if (state.startsWith("08")) {
      return "cannot reach the database: " + message;
    }
    if (state.startsWith("42")) {
      return "the database rejected the statement; does table " + table + " exist with Idem's schema "
          + "(docs/jdbc.md, or Builder.createIfMissing(true))? " + message;
    }
    if (state.startsWith("22") || state.startsWith("23")) {
      return "the database rejected the data; the table's columns differ from Idem's schema: " + message;
    }
    return message;
  }
}
