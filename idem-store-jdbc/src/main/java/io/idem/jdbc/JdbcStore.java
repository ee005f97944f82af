package io.idem.jdbc;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.BlockingStore;
import io.idem.spi.KeyWatch;
import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.Reservation;
import io.idem.spi.SignallingStore;
import io.idem.spi.StoredRecord;
import io.idem.spi.TransactionalCompletion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Records in one table of PostgreSQL 13+ or MySQL 8 / MariaDB 10.6+, through a pooled
 * {@link DataSource} the application already has (HikariCP or its container's), or through a
 * HikariCP pool the store opens itself from a JDBC URL ({@link #fromUrl(String)}, decision 0205).
 * Every call borrows a connection, so an unpooled data source opens one per call. The asynchronous
 * calls run the blocking ones on an executor ({@link BlockingStore}).
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every primitive is atomic across all application instances sharing the table. On
 *       PostgreSQL, {@code reserve} is one {@code INSERT .. ON CONFLICT DO UPDATE .. RETURNING}
 *       round trip; on MySQL/MariaDB an upsert and a read (decision 0202). {@code complete},
 *       {@code release} and {@code extend} are one statement each, fenced by the lease token and
 *       by expiry.</li>
 *   <li>Expiry is decided by the database's clock; an expired row is never served, whether or not
 *       the cleanup has deleted it yet.</li>
 *   <li>Every call ends within the configured {@link JdbcStoreBuilder#timeout(Duration) timeout} (network and
 *       query timeouts on each connection) with a result or a {@link StoreUnavailableException}
 *       naming {@code postgresql} or {@code mysql}. Borrowing a connection is bounded by the pool's
 *       own connection timeout; a pool the store opened bounds it by the store's timeout.</li>
 *   <li>When the database comes back, calls work again: the store holds no connection between
 *       calls. A pooled connection the outage broke fails the one call it is handed to, unless the
 *       pool validated it first (HikariCP does for one idle over half a second), and is dropped.</li>
 * </ul>
 *
 * <p>Expired rows are deleted in bounded batches by a daemon thread every
 * {@link JdbcStoreBuilder#cleanupInterval(Duration) cleanup interval}, safely from any number of instances;
 * {@link #close()} stops it. For the work and its record to commit together, see
 * {@link TransactionalIdempotency} and {@link #transactions()}.
 */
public final class JdbcStore extends BlockingStore implements LeaseExtendingStore, SignallingStore {

  public static final String DEFAULT_TABLE = "idem_records";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofMinutes(1);
  public static final int DEFAULT_CLEANUP_BATCH_SIZE = 1_000;
  /** Connections of the pool a store opens from a URL: HikariCP's own default (decision 0205). */
  public static final int DEFAULT_POOL_SIZE = 10;

  // Drivers apply network timeouts on their own socket; this executor is only the API's formality.
  private static final Executor DIRECT = Runnable::run;

  private final DataSource dataSource;
  private final UrlPool ownedPool;
  private final String table;
  private final Dialect configuredDialect;
  private final Duration timeout;
  private final boolean notifyWaiters;
  private final int timeoutMillis;
  private final PoolSizedExecutor calls;
  private final int queryTimeoutSeconds;
  private final JdbcTransactions transactions = new JdbcTransactions(this);
  private final ExpiredRecordCleaner cleaner;
  private final WaiterSignals signals;
  private volatile Sql sql;

  // calls: the executor of a pool the store opened (PoolSizedExecutor), null on a caller's DataSource.
  JdbcStore(JdbcStoreBuilder builder, DataSource dataSource, UrlPool ownedPool, PoolSizedExecutor calls) {
    super(calls == null ? BlockingStore.defaultExecutor() : calls);
    this.calls = calls;
    this.dataSource = dataSource;
    this.ownedPool = ownedPool;
    this.table = builder.table;
    this.configuredDialect = builder.dialect;
    this.timeout = builder.timeout;
    this.notifyWaiters = builder.notifyWaiters;
    this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    this.queryTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000);
    this.signals = new WaiterSignals(this, ownedPool, notifyWaiters);
    if (configuredDialect != null) {
      this.sql = Sql.of(configuredDialect, table, notifyWaiters, signals);
    }
    if (builder.createIfMissing) {
      new SchemaInstaller(this).install();
    }
    this.cleaner = builder.cleanupInterval.isZero() ? null
        : new ExpiredRecordCleaner(this, builder.cleanupInterval, builder.cleanupBatchSize);
  }

  /** A store on {@code dataSource} with every default: table {@value #DEFAULT_TABLE}, which must exist. */
  public static JdbcStore create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /** A builder for a store on {@code dataSource}, which should be pooled and which the store never closes. */
  public static JdbcStoreBuilder builder(DataSource dataSource) {
    return new JdbcStoreBuilder(Objects.requireNonNull(dataSource, "dataSource"), null);
  }

  /**
   * A store with every default on a HikariCP pool of its own ({@link #builder(String)}); the table
   * must exist. Needs {@code com.zaxxer:HikariCP} and the database's driver on the class path.
   */
  public static JdbcStore fromUrl(String jdbcUrl) {
    return builder(jdbcUrl).build();
  }

  /**
   * A builder for a store that opens a HikariCP pool on {@code jdbcUrl} when built and closes it in
   * {@link #close()}: {@link JdbcStoreBuilder#poolSize(int) poolSize} connections (default
   * {@value #DEFAULT_POOL_SIZE}), borrowing bounded by the store's timeout, validated before reuse
   * (decision 0205). User and password may be in the URL's query ({@code ?user=..&password=..}).
   *
   * @throws IllegalArgumentException when the URL is not {@code jdbc:} or no driver on the class path accepts it
   * @throws IllegalStateException when HikariCP is not on the class path
   */
  public static JdbcStoreBuilder builder(String jdbcUrl) {
    return new JdbcStoreBuilder(null, UrlPool.checkUsable(jdbcUrl));
  }

  @Override
  public Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(token, "token");
    long micros = Sql.micros(lease, "lease");
    return call("reserve", (sql, c) -> sql.reserve(c, queryTimeoutSeconds, key, fingerprint, token, micros));
  }

  @Override
  public boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
    long micros = Sql.micros(retention, "retention");
    return call("complete", (sql, c) -> complete(sql, c, key, token, result, micros));
  }

  /** {@link #complete} on the caller's connection, inside its transaction: no commit. */
  boolean completeOn(Connection transaction, IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    Objects.requireNonNull(transaction, "transaction");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
    long micros = Sql.micros(retention, "retention");
    try {
      return complete(sql(transaction), transaction, key, token, result, micros);
    } catch (SQLException e) {
      throw SqlErrors.translate(storeName(), "complete", table, e);
    }
  }

  private boolean complete(Sql sql, Connection c, IdempotencyKey key, LeaseToken token, byte[] result, long micros)
      throws SQLException {
    try (PreparedStatement statement = prepare(c, sql.complete)) {
      statement.setBytes(1, result);
      statement.setLong(2, micros);
      int i = sql.bindKey(statement, 3, key);
      statement.setBytes(i, token.bytes());
      return sql.completedOne(statement, i + 1, key, result);
    }
  }

  @Override
  public boolean release(IdempotencyKey key, LeaseToken token) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    return call("release", (sql, c) -> {
      try (PreparedStatement statement = prepare(c, sql.release)) {
        int i = sql.bindKey(statement, 1, key);
        statement.setBytes(i, token.bytes());
        return sql.changedOne(statement, i + 1, key);
      }
    });
  }

  @Override
  public boolean extend(IdempotencyKey key, LeaseToken token, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    long micros = Sql.micros(lease, "lease");
    return call("extend", (sql, c) -> {
      try (PreparedStatement statement = prepare(c, sql.extend)) {
        statement.setLong(1, micros);
        int i = sql.bindKey(statement, 2, key);
        statement.setBytes(i, token.bytes());
        return statement.executeUpdate() == 1;
      }
    });
  }

  /** {@link #extend} on the store's executor, like the other asynchronous calls ({@link BlockingStore}). */
  @Override
  public CompletionStage<Boolean> extendAsync(IdempotencyKey key, LeaseToken token, Duration lease) {
    return supplyAsync(() -> extend(key, token, lease));
  }

  @Override
  public Optional<StoredRecord> find(IdempotencyKey key) {
    Objects.requireNonNull(key, "key");
    return call("find", (sql, c) -> {
      try (PreparedStatement statement = prepare(c, sql.find)) {
        sql.bindKey(statement, 1, key);
        try (ResultSet row = statement.executeQuery()) {
          return row.next() ? Optional.of(Rows.record(row.getBytes(1), row.getBytes(2))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public boolean delete(IdempotencyKey key) {
    Objects.requireNonNull(key, "key");
    return call("delete", (sql, c) -> {
      try (PreparedStatement statement = prepare(c, sql.delete)) {
        sql.bindKey(statement, 1, key);
        return statement.executeUpdate() == 1;
      }
    });
  }

  /** Deletes the live records of {@code namespace} and returns their exact count; expired ones are left to the cleanup. */
  @Override
  public long purge(String namespace) {
    IdempotencyKey.validateNamespace(namespace);
    return call("purge", (sql, c) -> {
      try (PreparedStatement statement = prepare(c, sql.purge)) {
        sql.bindText(statement, 1, namespace);
        return (long) statement.executeUpdate();
      }
    });
  }

  /**
   * PostgreSQL: a watch through the store's listening connection (the first waits for it, within the
   * timeout). MySQL/MariaDB, or the listener down: {@link StoreUnavailableException}, and the engine polls.
   */
  @Override
  public KeyWatch watch(IdempotencyKey key) {
    return signals.watch(Objects.requireNonNull(key, "key"));
  }

  /**
   * Deletes expired rows in batches of at most {@code batchSize}, until a batch comes back short.
   * Safe to run from many instances at once. What the cleanup thread runs; call it yourself (from
   * your scheduler) when the thread is off. Returns how many rows it deleted.
   */
  public long deleteExpired(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
    long total = 0;
    while (true) {
      int deleted = call("cleanup", (sql, c) -> {
        try (PreparedStatement statement = prepare(c, sql.cleanup())) {
          statement.setInt(1, batchSize);
          return statement.executeUpdate();
        }
      });
      total += deleted;
      if (deleted < batchSize) {
        return total;
      }
    }
  }

  /**
   * Transactions on this store's data source, for {@link io.idem.Idempotency#executeInTransaction}: the
   * work's writes and the completed record commit together. {@link TransactionalIdempotency} is the
   * shorthand.
   */
  public TransactionalCompletion<Connection> transactions() {
    return transactions;
  }

  /**
   * The data source the store (and {@link TransactionalIdempotency}) borrows connections from: the
   * caller's, or the pool the store opened from a URL.
   */
  public DataSource dataSource() {
    return dataSource;
  }

  public String table() {
    return table;
  }

  public Duration timeout() {
    return timeout;
  }

  /** The dialect in use: configured, or detected on the first call that reached the database. */
  public Optional<Dialect> dialect() {
    Sql current = sql;
    return current == null ? Optional.ofNullable(configuredDialect) : Optional.of(current.dialect());
  }

  /**
   * Stops the cleanup thread and closes the pool the store opened from a URL. Never closes a data
   * source the caller passed in: that one is the caller's.
   */
  @Override
  public void close() {
    try {
      signals.close();
      if (cleaner != null) {
        cleaner.close();
      }
    } finally {
      if (ownedPool != null) {
        ownedPool.close();
        calls.close(); // opened with the pool, sized to it
      }
    }
  }

  @Override
  public String toString() {
    return "JdbcStore[" + table + ", " + dialect().map(Dialect::storeName).orElse("dialect not yet detected")
        + ", timeout=" + timeout + "]";
  }

  String storeName() {
    Sql current = sql;
    return current == null ? (configuredDialect == null ? "jdbc" : configuredDialect.storeName())
        : current.dialect().storeName();
  }

  @FunctionalInterface
  interface SqlCall<R> {
    R apply(Sql sql, Connection connection) throws SQLException;
  }

  /** Runs one operation on its own connection, committing if the pool hands out non-autocommit ones. */
  <R> R call(String operation, SqlCall<R> body) {
    try (Connection connection = open()) {
      R result = body.apply(sql(connection), connection);
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
      return result;
    } catch (SQLException e) {
      throw SqlErrors.translate(storeName(), operation, table, e);
    }
  }

  Connection open() throws SQLException {
    PoolSizedExecutor.failIfQueuedLongerThan(timeout, storeName());
    Connection connection = dataSource.getConnection();
    try {
      connection.setNetworkTimeout(DIRECT, timeoutMillis);
    } catch (SQLFeatureNotSupportedException e) {
      // The driver cannot bound socket reads; the query timeout still bounds the statement.
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  private PreparedStatement prepare(Connection connection, String statementSql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(statementSql);
    statement.setQueryTimeout(queryTimeoutSeconds);
    return statement;
  }

  private Sql sql(Connection connection) throws SQLException {
    Sql current = sql;
    if (current == null) {
      synchronized (this) {
        current = sql;
        if (current == null) {
          current = Sql.of(Dialect.fromProductName(connection.getMetaData().getDatabaseProductName()), table,
              notifyWaiters, signals);
          sql = current;
        }
      }
    }
    return current;
  }

  int timeoutMillis() {
    return timeoutMillis;
  }
}
