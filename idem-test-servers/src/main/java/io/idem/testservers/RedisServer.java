package io.idem.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.awaitility.Awaitility;

/**
 * A real redis-server 7.0.15 on a random free port: the binary that {@code org.signal:embedded-redis}
 * ships, run without persistence in a directory of its own. {@link #sharedUrl()} is the server the
 * test classes of one JVM share, or the external one {@value #URL_VARIABLE} names; a test that stops,
 * freezes or configures its server starts its own with {@link #start(String...)}.
 */
public final class RedisServer extends ServerProcess {

  /** A standalone Redis ({@code redis://host:port}) to use instead of starting one. */
  public static final String URL_VARIABLE = "IDEM_TEST_REDIS_URL";

  private static final String VERSION = "7.0.15";
  private static Path embeddedBinary;
  private static final SharedServer<RedisServer> SHARED =
      new SharedServer<>(URL_VARIABLE, RedisServer::start, RedisServer::url);

  private final String executable;
  private final List<String> arguments;

  private RedisServer(String executable, int port, List<String> arguments) {
    super("redis-server", port, TempDirectories.create("idem-redis-" + port + "-"));
    this.executable = executable;
    this.arguments = List.copyOf(arguments);
  }

  /** {@value #URL_VARIABLE}, or a server this JVM started once and stops when it exits. */
  public static String sharedUrl() {
    return SHARED.url();
  }

  /** A server of the caller's own on a random port, with {@code arguments} added to the command line. */
  public static RedisServer start(String... arguments) {
    return startOn(FreePorts.pick(), arguments);
  }

  /** A server on {@code port} (its cluster bus port, port + 10000, must be free too). */
  public static RedisServer startOn(int port, String... arguments) {
    return launch(new RedisServer(embeddedBinary().toString(), port, List.of(arguments)));
  }

  /**
   * A server from another build of redis-server ({@code executable}: a name on the PATH or a path),
   * e.g. Debian's, which uses jemalloc where the embedded one uses libc malloc: benchmarks measure
   * that build, beside the redis-benchmark that comes with it.
   */
  public static RedisServer startFrom(String executable, String... arguments) {
    return launch(new RedisServer(executable, FreePorts.pick(), List.of(arguments)));
  }

  /** A new server replicating this one, returned once this server reports the replica online. */
  public RedisServer startReplica() {
    RedisServer replica = start("--replicaof", "127.0.0.1", Integer.toString(port()));
    try {
      Awaitility.await("replica on port " + replica.port() + " online")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> command("INFO", "replication").contains("port=" + replica.port() + ",state=online"));
      return replica;
    } catch (RuntimeException e) {
      replica.close();
      throw e;
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port();
  }

  /** Sends one command and returns the reply as text: for setting servers up and looking at them. */
  public String command(String... command) {
    return Resp.call(port(), command);
  }

  static Path embeddedBinary() {
    synchronized (RedisServer.class) {
      if (embeddedBinary == null) {
        embeddedBinary = extractEmbeddedBinary();
      }
      return embeddedBinary;
    }
  }

  @Override
  List<String> command() {
    List<String> command = new ArrayList<>(List.of(executable,
        "--port", Integer.toString(port()), "--bind", "127.0.0.1", "--dir", dir().toString(),
        "--protected-mode", "no", "--save", "", "--appendonly", "no"));
    command.addAll(arguments);
    return command;
  }

  @Override
  boolean ready() {
    return Resp.answersPing(port());
  }

  private static Path extractEmbeddedBinary() {
    String resource = "/redis-server-" + VERSION + "-" + os() + "-" + arch();
    try (InputStream in = RedisServer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("embedded-redis ships no " + resource + " for this platform");
      }
      Path file = Files.createTempFile("idem-redis-server-", "");
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      if (!file.toFile().setExecutable(true)) {
        throw new IllegalStateException("cannot make " + file + " executable");
      }
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
}
