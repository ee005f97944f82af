package io.idem.jdbc;

import java.util.Locale;

/**
 * The SQL dialects {@link JdbcStore} speaks. Detected from
 * {@link java.sql.DatabaseMetaData#getDatabaseProductName()} unless set with
 * {@link JdbcStoreBuilder#dialect(Dialect)}.
 */
public enum Dialect {
  /** PostgreSQL 13 or newer. */
  POSTGRESQL("postgresql", "io/idem/jdbc/schema-postgresql.sql"),
  /** MySQL 8 or MariaDB 10.6 or newer (InnoDB). */
  MYSQL("mysql", "io/idem/jdbc/schema-mysql.sql");

  private final String storeName;
  private final String schemaResource;

  Dialect(String storeName, String schemaResource) {
    this.storeName = storeName;
    this.schemaResource = schemaResource;
  }

  /** The name that {@link io.idem.StoreUnavailableException#store()} carries. */
  public String storeName() {
    return storeName;
  }

  /** The class-path resource holding this dialect's DDL, with {@code ${table}} and {@code ${index}} placeholders. */
  public String schemaResource() {
    return schemaResource;
  }

  /** The dialect for a product name as JDBC reports it, e.g. {@code PostgreSQL}, {@code MySQL}, {@code MariaDB}. */
  static Dialect fromProductName(String productName) {
    String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
    if (name.contains("postgres")) {
      return POSTGRESQL;
    }
    if (name.contains("mysql") || name.contains("mariadb")) {
      return MYSQL;
    }
    throw new IllegalArgumentException("JdbcStore supports PostgreSQL, MySQL and MariaDB; the database is \""
        + productName + "\". Set Builder.dialect(..) if it speaks one of those dialects.");
  }
}
