package io.idem.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The HikariCP pool a store opens from a JDBC URL and closes with itself. Its defaults are in
 * decision 0205: a fixed pool of {@code poolSize} connections, borrowing and connecting bounded by the
 * store's timeout, a connection idle for a while validated ({@code Connection.isValid}) before reuse,
 * and nothing opened until the pool is built, so building does not fail when the database is down.
 */
final class UrlPool implements AutoCloseable {

  private static final String HIKARI = "com.zaxxer.hikari.HikariDataSource";
  /** HikariCP refuses shorter connection and validation timeouts. */
  private static final long HIKARI_FLOOR_MILLIS = 250;
  private static final long MAX_VALIDATION_MILLIS = 5_000;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final HikariDataSource pool;

  private UrlPool(HikariDataSource pool) {
    this.pool = pool;
  }

  /**
   * Checks what opening a pool on {@code jdbcUrl} needs, so that a missing piece fails where the
   * store is configured: a {@code jdbc:} URL, a driver that accepts it, and HikariCP.
   */
  static String checkUsable(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("not a JDBC URL (must start with jdbc:): " + redact(jdbcUrl));
    }
    if (!hikariPresent()) {
      throw new IllegalStateException("a store built from a JDBC URL pools its connections with HikariCP: "
          + "add com.zaxxer:HikariCP to the class path, or pass your own pooled DataSource to JdbcStore.builder");
    }
    try {
      DriverManager.getDriver(jdbcUrl);
    } catch (SQLException e) {
      throw new IllegalArgumentException("no JDBC driver on the class path accepts " + redact(jdbcUrl)
          + " (add the database's driver, e.g. org.postgresql:postgresql or org.mariadb.jdbc:mariadb-java-client)", e);
    }
    return jdbcUrl;
  }

  static UrlPool open(String jdbcUrl, Duration storeTimeout, int poolSize) {
    long timeoutMillis = Math.max(HIKARI_FLOOR_MILLIS, storeTimeout.toMillis());
    HikariConfig config = new HikariConfig();
    config.setPoolName("idem-jdbc-" + POOLS.incrementAndGet());
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(poolSize);
    config.setConnectionTimeout(timeoutMillis);
    config.setValidationTimeout(Math.min(timeoutMillis, MAX_VALIDATION_MILLIS));
    // Negative: start without connecting; calls fail with StoreUnavailableException until the database answers.
    config.setInitializationFailTimeout(-1);
    if (!jdbcUrl.contains("connectTimeout=")) {
      // A new connection must not outlast the wait for it. PostgreSQL's driver counts seconds, the others milliseconds.
      config.addDataSourceProperty("connectTimeout", jdbcUrl.startsWith("jdbc:postgresql:")
          ? String.valueOf(Math.max(1, (timeoutMillis + 999) / 1000)) : String.valueOf(timeoutMillis));
    }
    return new UrlPool(new HikariDataSource(config));
  }

  DataSource dataSource() {
    return pool;
  }

  /**
   * A connection to the pool's URL, with its settings, that is not the pool's: for a holder as
   * long-lived as a listener. {@code extra} adds driver properties the URL and the pool's settings do
   * not set already (theirs win: a socket factory of the caller's, say, for Cloud SQL or a Unix socket).
   */
  Connection openOutside(Map<String, String> extra) throws SQLException {
    return outside(pool, extra);
  }

  /**
   * {@link #openOutside} for a caller's {@code dataSource} when it is a HikariCP pool configured with a
   * JDBC URL that a registered driver accepts; null otherwise (then the caller's pool is the only way in).
   * Call only with HikariCP on the class path.
   */
  static Connection openOutsideOf(DataSource dataSource, Map<String, String> extra) throws SQLException {
    if (!dataSource.isWrapperFor(HikariDataSource.class)) {
      return null;
    }
    HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
    if (pool.getJdbcUrl() == null) {
      return null;
    }
    try {
      DriverManager.getDriver(pool.getJdbcUrl());
    } catch (SQLException noDriver) {
      return null; // a driver only HikariCP's driverClassName loads
    }
    return outside(pool, extra);
  }

  private static Connection outside(HikariDataSource pool, Map<String, String> extra) throws SQLException {
    Properties properties = new Properties();
    properties.putAll(pool.getDataSourceProperties());
    // As HikariCP passes them to the driver.
    if (pool.getUsername() != null) {
      properties.putIfAbsent("user", pool.getUsername());
    }
    if (pool.getPassword() != null) {
      properties.putIfAbsent("password", pool.getPassword());
    }
    String url = pool.getJdbcUrl();
    extra.forEach((name, value) -> {
      if (!url.contains(name + "=")) {
        properties.putIfAbsent(name, value);
      }
    });
    return DriverManager.getConnection(url, properties);
  }

  /** Whether HikariCP is on the class path (this class loads without it, but its pools need it). */
  static boolean hikariPresent() {
    try {
      Class.forName(HIKARI, false, UrlPool.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  /** Keeps a password in the URL's query out of messages. */
  static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
