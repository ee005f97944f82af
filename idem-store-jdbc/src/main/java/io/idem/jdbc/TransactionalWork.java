package io.idem.jdbc;

import java.sql.Connection;

/**
 * Work whose database writes go through {@code connection}, inside the transaction that also
 * stores its result. Must not commit, roll back or close the connection.
 */
@FunctionalInterface
public interface TransactionalWork<T> {
  T run(Connection connection) throws Exception;
}
