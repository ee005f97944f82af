package io.idem.jdbc;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Builds a {@link JdbcStore}, on a data source the caller owns ({@link JdbcStore#builder(DataSource)})
 * or on a pool the store opens from a URL and owns ({@link JdbcStore#builder(String)}). Every setter
 * validates at once.
 */
public final class JdbcStoreBuilder {

  private static final Pattern TABLE_NAME = Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,50}");

  private final DataSource dataSource;
  private final String jdbcUrl;
  private int poolSize = JdbcStore.DEFAULT_POOL_SIZE;
  String table = JdbcStore.DEFAULT_TABLE;
  Dialect dialect;
  boolean createIfMissing;
  Duration timeout = JdbcStore.DEFAULT_TIMEOUT;
  Duration cleanupInterval = JdbcStore.DEFAULT_CLEANUP_INTERVAL;
  int cleanupBatchSize = JdbcStore.DEFAULT_CLEANUP_BATCH_SIZE;
  boolean notifyWaiters = true;

  /** Exactly one of the two is set: the caller's data source, or the URL of the pool to open. */
  JdbcStoreBuilder(DataSource dataSource, String jdbcUrl) {
    this.dataSource = dataSource;
    this.jdbcUrl = jdbcUrl;
  }

  /** The table, optionally schema-qualified ({@code billing.idem_records}). Default {@value JdbcStore#DEFAULT_TABLE}. */
  public JdbcStoreBuilder tableName(String table) {
    Objects.requireNonNull(table, "table");
    if (!TABLE_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException("table name must be [schema.]name of letters, digits and _ "
          + "(name at most 51 characters), was \"" + table + "\"");
    }
    this.table = table;
    return this;
  }

  /** Skips detection from the connection's metadata. */
  public JdbcStoreBuilder dialect(Dialect dialect) {
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    return this;
  }

  /**
   * Runs the dialect's DDL ({@code CREATE TABLE IF NOT EXISTS}, see {@link Dialect#schemaResource()})
   * when the store is built. Off by default: most teams apply schema through their migrations.
   */
  public JdbcStoreBuilder createIfMissing(boolean createIfMissing) {
    this.createIfMissing = createIfMissing;
    return this;
  }

  /**
   * The bound on each call to the database. Default 5 s; at least 1 ms. A pool the store opens waits
   * at most this long for a free connection too (HikariCP's floor is 250 ms).
   */
  public JdbcStoreBuilder timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("timeout must be between 1 ms and 1 h, was " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /** How often the cleanup thread deletes expired rows. Default 1 min; {@link Duration#ZERO} turns it off. */
  public JdbcStoreBuilder cleanupInterval(Duration interval) {
    Objects.requireNonNull(interval, "cleanupInterval");
    if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10)) {
      throw new IllegalArgumentException("cleanupInterval must be zero (off) or at least 10 ms, was " + interval);
    }
    this.cleanupInterval = interval;
    return this;
  }

  /** Most rows one cleanup statement deletes, bounding its locks and run time. Default 1,000. */
  public JdbcStoreBuilder cleanupBatchSize(int batchSize) {
    if (batchSize < 1 || batchSize > 100_000) {
      throw new IllegalArgumentException("cleanupBatchSize must be 1 to 100000, was " + batchSize);
    }
    this.cleanupBatchSize = batchSize;
    return this;
  }

  /**
   * On PostgreSQL, whether complete and release {@code pg_notify} the duplicates waiting on another
   * instance, which then get their answer as soon as it commits (default true, decision 0210). PostgreSQL
   * serialises the commits of notifying transactions: a service that completes many thousands of keys a
   * second and never lets duplicates wait can turn it off; its waiters then poll. No effect on MySQL.
   */
  public JdbcStoreBuilder notifyWaiters(boolean notifyWaiters) {
    this.notifyWaiters = notifyWaiters;
    return this;
  }

  /**
   * The connections of the pool a store built from a URL opens and keeps open. Default
   * {@value JdbcStore#DEFAULT_POOL_SIZE}; 1 to 1000.
   *
   * @throws IllegalStateException when this builder was given a data source: its owner sizes it
   */
  public JdbcStoreBuilder poolSize(int poolSize) {
    if (jdbcUrl == null) {
      throw new IllegalStateException("poolSize is for a store built from a JDBC URL; "
          + "size the pool of the DataSource you passed in");
    }
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException("poolSize must be 1 to 1000, was " + poolSize);
    }
    this.poolSize = poolSize;
    return this;
  }

  /**
   * Builds the store, opening its pool first when built from a URL. With
   * {@link #createIfMissing(boolean)} this connects and creates the table; otherwise it does not
   * touch the database, and the dialect is detected on first use.
   */
  public JdbcStore build() {
    if (jdbcUrl == null) {
      return new JdbcStore(this, dataSource, null, null);
    }
    UrlPool pool = UrlPool.open(jdbcUrl, timeout, poolSize);
    PoolSizedExecutor calls = new PoolSizedExecutor(poolSize);
    try {
      return new JdbcStore(this, pool.dataSource(), pool, calls);
    } catch (RuntimeException e) {
      calls.close();
      pool.close();
      throw e;
    }
  }
}
