package io.idem.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Connection pools for the tests: the store takes any DataSource, and services bring a pool. */
final class Pools {

  private Pools() {}

  static HikariDataSource pool(String jdbcUrl, int size) {
    return new HikariDataSource(config(jdbcUrl, size));
  }

  static HikariConfig config(String jdbcUrl, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    config.setPoolName("idem-test");
    return config;
  }
}
