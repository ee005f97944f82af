package io.idem.jdbc;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.BlockingStore;
import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.Reservation;
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
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Records in one table of PostgreSQL 13+ or MySQL 8 / MariaDB 10.6+, through a {@link DataSource}
 * the application already has (no pool is bundled: bring HikariCP or your container's). The
 * asynchronous calls run the blocking ones on an executor ({@link BlockingStore}).
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
 *   <li>Every call ends within the configured {@link Builder#timeout(Duration) timeout} (network and
 *       query timeouts on each connection) with a result or a {@link StoreUnavailableException}
 *       naming {@code postgresql} or {@code mysql}. Borrowing a connection is bounded by the pool's
 *       own connection timeout; {@link #fromUrl(String)} bounds it by the store's timeout.</li>
 *   <li>When the database comes back, the next call works: the store holds no connection between
 *       calls.</li>
 * </ul>
 *
 * <p>Expired rows are deleted in bounded batches by a daemon thread every
 * {@link Builder#cleanupInterval(Duration) cleanup interval}, safely from any number of instances;
 * {@link #close()} stops it. For the work and its record to commit together, see
 * {@link TransactionalIdempotency} and {@link #transactions()}.
 */
public final class JdbcStore extends BlockingStore implements LeaseExtendingStore {

  public static final String DEFAULT_TABLE = "idem_records";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofMinutes(1);
  public static final int DEFAULT_CLEANUP_BATCH_SIZE = 1_000;

  private static final Pattern TABLE_NAME = Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,50}");
  // Drivers apply network timeouts on their own socket; this executor is only the API's formality.
  private static final Executor DIRECT = Runnable::run;

  private final DataSource dataSource;
  private final String table;
  private final Dialect configuredDialect;
  private final Duration timeout;
  private final int timeoutMillis;
  private final int queryTimeoutSeconds;
  private final JdbcTransactions transactions = new JdbcTransactions(this);
  private final ExpiredRecordCleaner cleaner;
  private volatile Sql sql;

  private JdbcStore(Builder builder) {
    this.dataSource = builder.dataSource;
    this.table = builder.table;
    this.configuredDialect = builder.dialect;
    this.timeout = builder.timeout;
    this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    this.queryTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000);
    if (configuredDialect != null) {
      this.sql = Sql.of(configuredDialect, table);
    }
    if (dataSource instanceof DriverManagerDataSource urlSource) {
      urlSource.connectTimeout(timeout);
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

  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * A store on a plain {@link java.sql.DriverManager} connection per call, for demos and command-line
   * tools; services should pass a pooled {@link DataSource}. User and password may be in the URL's
   * query ({@code ?user=..&password=..}). The store owns nothing that needs closing but its cleanup
   * thread.
   */
  public static JdbcStore fromUrl(String jdbcUrl) {
    return create(new DriverManagerDataSource(jdbcUrl));
  }

  @Override
  public Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(token, "token");
    long micros = micros(lease, "lease");
    return call("reserve", (sql, c) -> sql.reserve(c, queryTimeoutSeconds, key, fingerprint, token, micros));
  }

  @Override
  public boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
    long micros = micros(retention, "retention");
    return call("complete", (sql, c) -> complete(sql, c, key, token, result, micros));
  }

  /** {@link #complete} on the caller's connection, inside its transaction: no commit. */
  boolean completeOn(Connection transaction, IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    Objects.requireNonNull(transaction, "transaction");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
    long micros = micros(retention, "retention");
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
      return statement.executeUpdate() == 1;
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
        return statement.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean extend(IdempotencyKey key, LeaseToken token, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    long micros = micros(lease, "lease");
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

  /** The data source the store (and {@link TransactionalIdempotency}) borrows connections from. */
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

  /** Stops the cleanup thread. Closes nothing else: the data source is the caller's. */
  @Override
  public void close() {
    if (cleaner != null) {
      cleaner.close();
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
          current = Sql.of(Dialect.fromProductName(connection.getMetaData().getDatabaseProductName()), table);
          sql = current;
        }
      }
    }
    return current;
  }

  int timeoutMillis() {
    return timeoutMillis;
  }

  private static long micros(Duration duration, String what) {
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

  /** Builds a {@link JdbcStore}. Every setter validates at once. */
  public static final class Builder {
    private final DataSource dataSource;
    private String table = DEFAULT_TABLE;
    private Dialect dialect;
    private boolean createIfMissing;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration cleanupInterval = DEFAULT_CLEANUP_INTERVAL;
    private int cleanupBatchSize = DEFAULT_CLEANUP_BATCH_SIZE;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The table, optionally schema-qualified ({@code billing.idem_records}). Default {@value #DEFAULT_TABLE}. */
    public Builder tableName(String table) {
      Objects.requireNonNull(table, "table");
      if (!TABLE_NAME.matcher(table).matches()) {
        throw new IllegalArgumentException("table name must be [schema.]name of letters, digits and _ "
            + "(name at most 51 characters), was \"" + table + "\"");
      }
      this.table = table;
      return this;
    }

    /** Skips detection from the connection's metadata. */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Runs the dialect's DDL ({@code CREATE TABLE IF NOT EXISTS}, see {@link Dialect#schemaResource()})
     * when the store is built. Off by default: most teams apply schema through their migrations.
     */
    public Builder createIfMissing(boolean createIfMissing) {
      this.createIfMissing = createIfMissing;
      return this;
    }

    /** The bound on each call to the database. Default 5 s; at least 1 ms. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("timeout must be between 1 ms and 1 h, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** How often the cleanup thread deletes expired rows. Default 1 min; {@link Duration#ZERO} turns it off. */
    public Builder cleanupInterval(Duration interval) {
      Objects.requireNonNull(interval, "cleanupInterval");
      if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10)) {
        throw new IllegalArgumentException("cleanupInterval must be zero (off) or at least 10 ms, was " + interval);
      }
      this.cleanupInterval = interval;
      return this;
    }

    /** Most rows one cleanup statement deletes, bounding its locks and run time. Default 1,000. */
    public Builder cleanupBatchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 100_000) {
        throw new IllegalArgumentException("cleanupBatchSize must be 1 to 100000, was " + batchSize);
      }
      this.cleanupBatchSize = batchSize;
      return this;
    }

    /**
     * Builds the store. With {@link #createIfMissing(boolean)} this connects and creates the table;
     * otherwise it does not touch the database, and the dialect is detected on first use.
     */
    public JdbcStore build() {
      return new JdbcStore(this);
    }
  }
}
