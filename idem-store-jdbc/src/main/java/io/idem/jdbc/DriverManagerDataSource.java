package io.idem.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A new {@link DriverManager} connection per call, for {@link JdbcStore#fromUrl(String)}. Holds no
 * connection, so it needs no closing. Bounds connecting with the driver's own connect timeout
 * (unless the URL sets one), because {@link DriverManager#setLoginTimeout} is global.
 */
final class DriverManagerDataSource implements DataSource {

  private final String url;
  private volatile Duration connectTimeout = JdbcStore.DEFAULT_TIMEOUT;

  DriverManagerDataSource(String url) {
    Objects.requireNonNull(url, "jdbcUrl");
    if (!url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("not a JDBC URL (must start with jdbc:): " + url);
    }
    this.url = url;
  }

  void connectTimeout(Duration timeout) {
    this.connectTimeout = timeout;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Properties properties = new Properties();
    long millis = connectTimeout.toMillis();
    if (!url.contains("connectTimeout=")) {
      // PostgreSQL's driver counts seconds, MariaDB's milliseconds.
      properties.setProperty("connectTimeout", url.startsWith("jdbc:postgresql:")
          ? String.valueOf(Math.max(1, (millis + 999) / 1000)) : String.valueOf(millis));
    }
    return DriverManager.getConnection(url, properties);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return DriverManager.getConnection(url, username, password);
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no parent logger");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper for " + type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }

  @Override
  public String toString() {
    // The URL may hold a password.
    return "DriverManagerDataSource[" + url.replaceAll("password=[^&;]*", "password=***") + "]";
  }
}
