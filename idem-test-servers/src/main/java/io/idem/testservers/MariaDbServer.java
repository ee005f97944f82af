package io.idem.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MariaDB: Debian's {@code mariadbd} (package mariadb-server, installed by
 * {@code .ci/install-test-servers}) in a temporary data directory on a random port, with a database
 * {@code idem} and a password-less root. When it is not installed a test is skipped with a message
 * that says so, except in CI ({@code CI=true}), where it fails. {@link #sharedUrl()} is the server the
 * test classes of one JVM share, or the external one {@value #URL_VARIABLE} names.
 */
public final class MariaDbServer extends ServerProcess {

  /** A MariaDB or MySQL JDBC URL ({@code jdbc:mariadb://host:port/db?user=..}) to use instead of starting one. */
  public static final String URL_VARIABLE = "IDEM_TEST_MARIADB_URL";

  private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
  private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");
  /** The protocol version byte that opens MariaDB's handshake: the server is accepting connections. */
  private static final int HANDSHAKE_PROTOCOL = 10;

  private static final SharedServer<MariaDbServer> SHARED =
      new SharedServer<>(URL_VARIABLE, MariaDbServer::start, MariaDbServer::url);

  private MariaDbServer() {
    super("mariadbd", FreePorts.pick(), TempDirectories.create("idem-mariadb-"));
  }

  /** {@value #URL_VARIABLE}, or a server this JVM started once and stops when it exits. */
  public static String sharedUrl() {
    return SHARED.url();
  }

  /** A server of the caller's own; skips the test (fails it in CI) when MariaDB is not installed. */
  public static MariaDbServer start() {
    Environment.requireInstalled("mariadb-server", URL_VARIABLE, Environment.ci(), MARIADBD, INSTALL_DB);
    MariaDbServer server = new MariaDbServer();
    try {
      server.install();
    } catch (RuntimeException e) {
      TempDirectories.delete(server.dir());
      throw e;
    }
    return launch(server);
  }

  public String url() {
    return "jdbc:mariadb://127.0.0.1:" + port() + "/idem?user=root";
  }

  @Override
  List<String> command() {
    List<String> command = new ArrayList<>(List.of(MARIADBD.toString(),
        "--no-defaults",
        "--datadir=" + dir().resolve("data"),
        "--socket=" + dir().resolve("mysqld.sock"),
        "--pid-file=" + dir().resolve("mysqld.pid"),
        "--port=" + port(),
        "--bind-address=127.0.0.1",
        "--skip-grant-tables",
        // Run before the first connection is accepted, so a ready server already has the database.
        "--init-file=" + dir().resolve("init.sql"),
        "--innodb-buffer-pool-size=64M",
        "--innodb-flush-log-at-trx-commit=2",
        "--max-connections=200"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.add("--user=root");
    }
    return command;
  }

  @Override
  boolean ready() {
    byte[] greeting = greeting(5);
    return greeting.length == 5 && greeting[4] == HANDSHAKE_PROTOCOL;
  }

  private void install() {
    try {
      Files.writeString(dir().resolve("init.sql"), "CREATE DATABASE IF NOT EXISTS idem;\n");
      Path log = dir().resolve("install.log");
      Process install = new ProcessBuilder(INSTALL_DB.toString(), "--no-defaults",
          "--datadir=" + dir().resolve("data"), "--auth-root-authentication-method=normal",
          "--skip-test-db", "--user=" + System.getProperty("user.name"))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
        install.destroyForcibly();
        throw new IllegalStateException("mariadb-install-db failed: " + Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
