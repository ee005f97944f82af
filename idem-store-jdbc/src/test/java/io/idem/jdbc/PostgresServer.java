package io.idem.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL 15 for the tests: embedded binaries on a random port, or the server that
 * {@code IDEM_POSTGRES_URL} points at. One per JVM unless a test needs its own (the fault tests stop it).
 */
final class PostgresServer implements AutoCloseable {

  static final String URL_VARIABLE = "IDEM_POSTGRES_URL";

  private static PostgresServer shared;

  private final Path dataDirectory;
  private final String externalUrl;
  private EmbeddedPostgres postgres;
  private int port;

  private PostgresServer(String externalUrl) {
    this.externalUrl = externalUrl;
    this.dataDirectory = externalUrl == null ? createTempDirectory() : null;
    if (externalUrl == null) {
      start();
    }
  }

  /** The server shared by the tests that do not stop it. */
  static synchronized PostgresServer shared() {
    if (shared == null) {
      shared = new PostgresServer(System.getenv(URL_VARIABLE));
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** A server of the test's own, always embedded, that it may stop and start. */
  static PostgresServer dedicated() {
    return new PostgresServer(null);
  }

  boolean external() {
    return externalUrl != null;
  }

  String jdbcUrl() {
    return externalUrl != null ? externalUrl
        : "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
  }

  synchronized void start() {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDirectory)
          // Kept across stop and start (the fault tests restart on the same data); deleted in close().
          .setCleanDataDirectory(false)
          .setServerConfig("max_connections", "100")
          .setServerConfig("fsync", "off");
      if (port != 0) {
        builder.setPort(port);
      }
      postgres = builder.start();
      port = postgres.getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized void stop() {
    try {
      if (postgres != null) {
        postgres.close();
        postgres = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
    if (dataDirectory != null) {
      TempDirectories.delete(dataDirectory);
    }
  }


  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("idem-pg");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
