package io.idem.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A server binary run as a child process on a fixed port with a working directory of its own. It can
 * be stopped, killed, frozen and started again on the same port and directory, so tests can take a
 * server away under a live store and give it back.
 */
abstract class ServerProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final int port;
  private final Path dir;
  private Process process;
  private boolean frozen;

  ServerProcess(String name, int port, Path dir) {
    this.name = name;
    this.port = port;
    this.dir = dir;
  }

  /** Starts a new server; if it does not come up, removes its directory again and rethrows. */
  static <S extends ServerProcess> S launch(S server) {
    try {
      server.restart();
      return server;
    } catch (RuntimeException e) {
      TempDirectories.delete(server.dir());
      throw e;
    }
  }

  /** The command line that runs the server on {@link #port()} in {@link #dir()}. */
  abstract List<String> command();

  /** Whether the server answers on its port; called until it does. */
  abstract boolean ready();

  public final int port() {
    return port;
  }

  /** The server's working directory (data, configuration, log); deleted by {@link #close()}. */
  public final Path dir() {
    return dir;
  }

  public final synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException(name + " is not running");
    }
    return process.pid();
  }

  /** Starts the server (again, after a stop or a kill) on the same port and directory; returns once it answers. */
  public final synchronized void restart() {
    if (process != null) {
      throw new IllegalStateException(name + " on port " + port + " is already running");
    }
    try {
      process = new ProcessBuilder(command())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command(), e);
    }
    Process started = process;
    try {
      Awaitility.await(name + " answering on port " + port)
          .atMost(START_TIMEOUT)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> {
            if (!started.isAlive()) {
              throw new IllegalStateException(name + " exited with status " + started.exitValue() + ": " + logText());
            }
            return ready();
          });
    } catch (RuntimeException e) {
      kill();
      if (e instanceof ConditionTimeoutException) {
        throw new IllegalStateException(name + " did not answer on port " + port + " within " + START_TIMEOUT
            + ": " + logText(), e);
      }
      throw e;
    }
  }

  /** Stops the server (SIGTERM, SIGKILL if it lingers) and waits until it has exited. */
  public final synchronized void stop() {
    if (process == null) {
      return;
    }
    thaw();
    process.destroy();
    awaitExit();
  }

  /** Stops the server as a crash would: SIGKILL, no shutdown. */
  public final synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit();
  }

  /** SIGSTOP: the server keeps its sockets open but answers nothing, the worst case for timeouts. */
  public final synchronized void freeze() {
    signal("STOP");
    frozen = true;
  }

  /** SIGCONT: a frozen server goes on where it stopped. */
  public final synchronized void thaw() {
    if (frozen) {
      signal("CONT");
      frozen = false;
    }
  }

  /** Stops the server and deletes its directory. */
  @Override
  public void close() {
    stop();
    TempDirectories.delete(dir);
  }

  /** The first bytes a server sends on a new connection (MariaDB and NATS greet first); empty if none. */
  final byte[] greeting(int length) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(1_000);
      InputStream in = socket.getInputStream();
      return in.readNBytes(length);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private Path log() {
    return dir.resolve(name + ".log");
  }

  private String logText() {
    try {
      return Files.readString(log());
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void awaitExit() {
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
    frozen = false;
  }

  private void signal(String signal) {
    if (process == null) {
      throw new IllegalStateException(name + " is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
