package io.idem.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Runs the dialect's shipped DDL with the configured table name: create-if-missing at start. */
final class SchemaInstaller {

  private final JdbcStore store;

  SchemaInstaller(JdbcStore store) {
    this.store = store;
  }

  void install() {
    store.call("create schema", (sql, connection) -> {
      try (Statement statement = connection.createStatement()) {
        statement.setQueryTimeout(Math.max(1, store.timeoutMillis() / 1000));
        for (String ddl : statements(sql.dialect(), sql.table)) {
          statement.execute(ddl);
        }
      }
      return null;
    });
  }

  /** The DDL of {@code dialect} for {@code table}, one statement per element, comments removed. */
  static List<String> statements(Dialect dialect, String table) {
    String unqualified = table.substring(table.lastIndexOf('.') + 1);
    String script = resource(dialect.schemaResource())
        .replace("${table}", table)
        .replace("${index}", unqualified + "_expires_at");
    StringBuilder withoutComments = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.strip().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String statement : withoutComments.toString().split(";")) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  private static String resource(String name) {
    try (InputStream in = SchemaInstaller.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing class-path resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
