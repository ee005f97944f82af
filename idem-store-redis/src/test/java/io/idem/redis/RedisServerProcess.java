package io.idem.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server 7.0.15 process on a random free port, from the binary that
 * {@code org.signal:embedded-redis} ships. Stoppable and restartable on the same port, so tests can
 * take the server away under a live store.
 */
final class RedisServerProcess implements AutoCloseable {

  private static final String VERSION = "7.0.15";
  private static Path binary;

  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private final boolean sentinel;
  private Process process;

  private RedisServerProcess(int port, List<String> extraArgs, boolean sentinel) throws IOException {
    this.port = port;
    this.dir = Files.createTempDirectory("idem-redis-" + port + "-");
    this.extraArgs = List.copyOf(extraArgs);
    this.sentinel = sentinel;
  }

  /** Starts a server with Idem-friendly defaults (no persistence) plus {@code extraArgs}. */
  static RedisServerProcess start(String... extraArgs) {
    return startOn(freePort(), extraArgs);
  }

  static RedisServerProcess startOn(int port, String... extraArgs) {
    try {
      RedisServerProcess server = new RedisServerProcess(port, List.of(extraArgs), false);
      server.restart();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("could not start redis-server", e);
    }
  }

  /** A Sentinel on a random port monitoring the master on {@code masterPort} as {@code masterName}. */
  static RedisServerProcess startSentinel(String masterName, int masterPort) {
    try {
      RedisServerProcess sentinel = new RedisServerProcess(freePort(), List.of(), true);
      Files.writeString(sentinel.dir.resolve("sentinel.conf"), "sentinel monitor " + masterName
          + " 127.0.0.1 " + masterPort + " 1\nsentinel down-after-milliseconds " + masterName + " 5000\n");
      sentinel.restart();
      return sentinel;
    } catch (IOException e) {
      throw new IllegalStateException("could not start redis-server --sentinel", e);
    }
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  Path dir() {
    return dir;
  }

  long pid() {
    return process.pid();
  }

  /** Starts (again) on the same port and waits until it answers PING. */
  void restart() throws IOException {
    List<String> command = new ArrayList<>(List.of(binary().toString()));
    if (sentinel) {
      // Sentinel rewrites its configuration file, which must come first on the command line.
      command.addAll(List.of(dir.resolve("sentinel.conf").toString(), "--sentinel"));
    }
    command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
        "--protected-mode", "no"));
    if (!sentinel) {
      command.addAll(List.of("--save", "", "--appendonly", "no"));
    }
    command.addAll(extraArgs);
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!answersPing()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("redis-server on port " + port + " did not start: "
            + Files.readString(dir.resolve("redis.log")));
      }
      sleep(20);
    }
  }

  /** Kills the server (its data is gone) and waits until it has exited. */
  void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Sends SIGSTOP or SIGCONT: a frozen server keeps its sockets open but answers nothing. */
  void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] answer = new byte[7];
      InputStream in = socket.getInputStream();
      int read = in.readNBytes(answer, 0, answer.length);
      return new String(answer, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A port that is free, and whose cluster bus port (port + 10000) is free too. Picked at random from
   * a range below the ephemeral ports so that parallel builds rarely collide.
   */
  static int freePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      if (isFree(port) && isFree(port + 10_000)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair found");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static synchronized Path binary() throws IOException {
    if (binary == null) {
      String resource = "/redis-server-" + VERSION + "-" + os() + "-" + arch();
      try (InputStream in = RedisServerProcess.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("embedded-redis ships no " + resource + " for this platform");
        }
        Path file = Files.createTempFile("idem-redis-server-", "");
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        if (!file.toFile().setExecutable(true)) {
          throw new IllegalStateException("cannot make " + file + " executable");
        }
        file.toFile().deleteOnExit();
        binary = file;
      }
    }
    return binary;
  }

  private static String os() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    return os.contains("mac") ? "darwin" : "linux";
  }

  private static String arch() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    if (arch.equals("aarch64") || arch.equals("arm64")) {
      return "arm64";
    }
    return arch.equals("x86") || arch.equals("i386") ? "386" : "amd64";
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
