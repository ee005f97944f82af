package io.idem.nats;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code nats-server} with JetStream (Debian's package: 2.9.10 here) on random loopback ports,
 * its store in a temporary directory and its monitoring endpoint on, so tests can read the server's own
 * counters. It can be stopped, killed, frozen and restarted on the same ports and store, and can be one
 * node of a {@link NatsCluster}.
 *
 * <p>Where no {@code nats-server} is installed the calling test class is skipped with a message, except
 * under CI ({@code CI=true}), where a missing server fails the build.
 */
final class NatsServer implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern IN_MSGS = Pattern.compile("\"in_msgs\"\\s*:\\s*(\\d+)");

  private final String name;
  private final int port;
  private final int monitorPort;
  private final int clusterPort;
  private final Path dir;
  private List<Integer> routes = List.of();
  private Process process;

  private NatsServer(String name, int clusterPort) throws IOException {
    this.name = name;
    this.port = freePort();
    this.monitorPort = freePort();
    this.clusterPort = clusterPort;
    this.dir = Files.createTempDirectory("idem-nats-" + name + "-");
  }

  /** A standalone server with JetStream on file storage, started. */
  static NatsServer start() {
    NatsServer server = create("standalone", 0);
    server.restart();
    return server;
  }

  /** A server not yet started; with a cluster port it becomes a cluster node once given its routes. */
  static NatsServer create(String name, int clusterPort) {
    binary();
    try {
      return new NatsServer(name, clusterPort);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a directory for nats-server", e);
    }
  }

  void routes(List<Integer> clusterPorts) {
    this.routes = List.copyOf(clusterPorts);
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  int clusterPort() {
    return clusterPort;
  }

  /** Starts (again) on the same ports and store directory, and waits until the server reports healthy. */
  void restart() {
    try {
      Path config = dir.resolve("nats.conf");
      Files.writeString(config, config());
      process = new ProcessBuilder(binary().toString(), "-c", config.toString())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nats.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start nats-server", e);
    }
    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .until(() -> !process.isAlive() || monitor("/healthz").statusCode() == 200);
    } catch (RuntimeException e) {
      throw new IllegalStateException("nats-server " + name + " did not become healthy: " + log(), e);
    }
    if (!process.isAlive()) {
      throw new IllegalStateException("nats-server " + name + " exited: " + log());
    }
  }

  private String config() {
    StringBuilder config = new StringBuilder()
        .append("server_name: ").append(name).append('\n')
        .append("listen: 127.0.0.1:").append(port).append('\n')
        .append("http: 127.0.0.1:").append(monitorPort).append('\n')
        // Room for the contract's 1 MiB result plus Idem's header (the default max_payload is 1 MiB).
        .append("max_payload: 2MB\n")
        .append("jetstream {\n  store_dir: \"").append(dir.resolve("jetstream")).append("\"\n}\n");
    if (clusterPort > 0) {
      config.append("cluster {\n  name: idem-test\n  listen: 127.0.0.1:").append(clusterPort).append('\n')
          .append("  routes: [\n");
      for (int route : routes) {
        config.append("    nats-route://127.0.0.1:").append(route).append('\n');
      }
      config.append("  ]\n}\n");
    }
    return config.toString();
  }

  /** Messages the server has received from clients since it started ({@code in_msgs} of {@code /varz}). */
  long inMsgs() {
    String varz = monitor("/varz").body();
    Matcher matcher = IN_MSGS.matcher(varz);
    if (!matcher.find()) {
      throw new IllegalStateException("no in_msgs in /varz: " + varz);
    }
    return Long.parseLong(matcher.group(1));
  }

  /** One GET on the monitoring endpoint. */
  HttpResponse<String> monitor(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("monitoring endpoint of " + name + " unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Asks the server to shut down (SIGTERM) and waits until it has exited; its store stays. */
  void stop() {
    end(false);
  }

  /** Kills the server (SIGKILL) with no chance to flush or say goodbye; its store stays. */
  void kill() {
    end(true);
  }

  private void end(boolean forcibly) {
    if (process == null) {
      return;
    }
    if (forcibly) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  boolean running() {
    return process != null && process.isAlive();
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
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("nats.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * The {@code nats-server} binary: on the PATH or where Debian puts it. Missing, it skips the calling
   * test class with a message, or fails it under CI.
   */
  static Path binary() {
    Stream<Path> candidates = Stream.concat(
        Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            .filter(entry -> !entry.isEmpty()).map(entry -> Path.of(entry, "nats-server")),
        Stream.of(Path.of("/usr/sbin/nats-server"), Path.of("/usr/bin/nats-server")));
    Path found = candidates.filter(Files::isExecutable).findFirst().orElse(null);
    if (found == null) {
      String message = "nats-server is not installed (Debian: apt-get install nats-server; .ci/install-test-servers"
          + " does it in CI)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(message);
      }
      Assumptions.abort(message + ": skipping the tests that need a real NATS server");
    }
    return found;
  }

  /** A free loopback port, picked at random below the ephemeral range so parallel builds rarely collide. */
  static int freePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int candidate = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
        return candidate;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port found");
  }
}
