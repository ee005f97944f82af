package io.idem.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MariaDB for the tests: Debian's {@code mariadbd} (installed by {@code .ci/install-test-servers})
 * in a temporary data directory on a random port, as a child process; or the server that
 * {@code IDEM_MYSQL_URL} points at. The fault tests stop, freeze and restart their own.
 */
final class MariaDbServer implements AutoCloseable {

  static final String URL_VARIABLE = "IDEM_MYSQL_URL";
  private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
  private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

  private static MariaDbServer shared;

  private final String externalUrl;
  private final Path directory;
  private Process process;
  private int port;

  private MariaDbServer(String externalUrl) {
    this.externalUrl = externalUrl;
    this.directory = externalUrl == null ? install() : null;
    if (externalUrl == null) {
      start();
      createDatabase();
    }
  }

  static synchronized MariaDbServer shared() {
    if (shared == null) {
      shared = new MariaDbServer(System.getenv(URL_VARIABLE));
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  static MariaDbServer dedicated() {
    return new MariaDbServer(null);
  }

  String jdbcUrl() {
    return externalUrl != null ? externalUrl : "jdbc:mariadb://127.0.0.1:" + port + "/idem?user=root";
  }

  synchronized void start() {
    try {
      if (port == 0) {
        port = freePort();
      }
      List<String> command = new ArrayList<>(List.of(MARIADBD.toString(),
          "--no-defaults",
          "--datadir=" + directory.resolve("data"),
          "--socket=" + directory.resolve("mysqld.sock"),
          "--pid-file=" + directory.resolve("mysqld.pid"),
          "--port=" + port,
          "--bind-address=127.0.0.1",
          "--skip-grant-tables",
          "--innodb-buffer-pool-size=64M",
          "--innodb-flush-log-at-trx-commit=2",
          "--max-connections=200",
          "--log-error=" + directory.resolve("error.log")));
      if ("root".equals(System.getProperty("user.name"))) {
        command.add("--user=root");
      }
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(directory.resolve("stdout.log").toFile()).start();
      awaitReady();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server as a crash would: SIGKILL, no shutdown. */
  synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor(process);
      process = null;
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers, the worst case for timeouts. */
  void freeze() {
    signal("STOP");
  }

  void thaw() {
    signal("CONT");
  }

  @Override
  public synchronized void close() {
    if (process != null) {
      thaw();
      process.destroy();
      waitFor(process);
      process = null;
    }
    if (directory != null) {
      TempDirectories.delete(directory);
    }
  }


  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
      waitFor(kill);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path install() {
    boolean installed = Files.isExecutable(MARIADBD) && Files.isExecutable(INSTALL_DB);
    String missing = "MariaDB is not installed: run .ci/install-test-servers, or set " + URL_VARIABLE;
    if (!installed && System.getenv("CI") != null) {
      throw new IllegalStateException(missing + " (CI must not skip a backend)");
    }
    assumeTrue(installed, missing);
    try {
      Path directory = Files.createTempDirectory("idem-mariadb");
      Process install = new ProcessBuilder(INSTALL_DB.toString(), "--no-defaults",
          "--datadir=" + directory.resolve("data"), "--auth-root-authentication-method=normal",
          "--skip-test-db", "--user=" + System.getProperty("user.name"))
          .redirectErrorStream(true).redirectOutput(directory.resolve("install.log").toFile()).start();
      if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
        throw new IllegalStateException("mariadb-install-db failed: " + Files.readString(directory.resolve("install.log")));
      }
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String url = "jdbc:mariadb://127.0.0.1:" + port + "/?user=root&connectTimeout=1000";
    while (true) {
      try (Connection ignored = DriverManager.getConnection(url)) {
        return;
      } catch (SQLException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("mariadbd did not start: "
              + Files.readString(directory.resolve("error.log")), notYet);
        }
        sleep(100);
      }
    }
  }

  private void createDatabase() {
    try (Connection connection = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?user=root");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE IF NOT EXISTS idem");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void waitFor(Process process) {
    try {
      process.waitFor(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
