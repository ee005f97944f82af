package io.idem.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real NATS server with JetStream: Debian's {@code nats-server} (package nats-server, installed by
 * {@code .ci/install-test-servers}) on a random port, storing streams on file in a temporary
 * directory, with its monitoring endpoint on a second port so tests can read the server's own
 * counters ({@link #inMsgs()}). Its {@code max_payload} is 2 MB, room for a 1 MiB result and a
 * header. It can also be one node of a {@link NatsCluster}.
 *
 * <p>When it is not installed a test is skipped with a message that says so, except in CI
 * ({@code CI=true}), where it fails. {@link #sharedUrl()} is the server the test classes of one JVM
 * share, or the external one {@value #URL_VARIABLE} names.
 */
public final class NatsServer extends ServerProcess {

  /** A NATS server with JetStream enabled ({@code nats://host:port}) to use instead of starting one. */
  public static final String URL_VARIABLE = "IDEM_TEST_NATS_URL";

  private static final Path NATS_SERVER = Path.of("/usr/sbin/nats-server");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern IN_MSGS = Pattern.compile("\"in_msgs\"\\s*:\\s*(\\d+)");

  private static final SharedServer<NatsServer> SHARED =
      new SharedServer<>(URL_VARIABLE, NatsServer::start, NatsServer::url);

  private final int monitorPort;

  private NatsServer(String name, int clusterPort, List<Integer> routes) {
    super("nats-server", FreePorts.pick(), TempDirectories.create("idem-nats-"));
    this.monitorPort = FreePorts.pick();
    StringBuilder config = new StringBuilder()
        .append("server_name: ").append(name == null ? "idem-test-" + port() : name).append('\n')
        .append("listen: 127.0.0.1:").append(port()).append('\n')
        .append("http: 127.0.0.1:").append(monitorPort).append('\n')
        .append("max_payload: 2MB\n")
        .append("jetstream {\n  store_dir: \"").append(dir().resolve("jetstream")).append("\"\n}\n");
    if (clusterPort > 0) {
      config.append("cluster {\n  name: idem-test\n  listen: 127.0.0.1:").append(clusterPort).append("\n  routes: [\n");
      routes.forEach(route -> config.append("    nats-route://127.0.0.1:").append(route).append('\n'));
      config.append("  ]\n}\n");
    }
    try {
      Files.writeString(configFile(), config, StandardCharsets.UTF_8);
    } catch (IOException e) {
      TempDirectories.delete(dir());
      throw new UncheckedIOException(e);
    }
  }

  /** {@value #URL_VARIABLE}, or a server this JVM started once and stops when it exits. */
  public static String sharedUrl() {
    return SHARED.url();
  }

  /** A server of the caller's own; skips the test (fails it in CI) when nats-server is not installed. */
  public static NatsServer start() {
    requireInstalled();
    return launch(new NatsServer(null, 0, List.of()));
  }

  /** One node of a cluster, routed to every cluster port (its own included), started. */
  static NatsServer startNode(String name, int clusterPort, List<Integer> clusterPorts) {
    return launch(new NatsServer(name, clusterPort, clusterPorts));
  }

  static void requireInstalled() {
    Environment.requireInstalled("nats-server", URL_VARIABLE, Environment.ci(), NATS_SERVER);
  }

  public String url() {
    return "nats://127.0.0.1:" + port();
  }

  /** Messages the server has received from clients since it started: {@code in_msgs} of {@code /varz}. */
  public long inMsgs() {
    String varz = monitor("/varz");
    Matcher matcher = IN_MSGS.matcher(varz);
    if (!matcher.find()) {
      throw new IllegalStateException("no in_msgs in /varz: " + varz);
    }
    return Long.parseLong(matcher.group(1));
  }

  /** The body of one GET on the monitoring endpoint ({@code /varz}, {@code /jsz}, ...). */
  public String monitor(String path) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort
          + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("the monitoring endpoint of nats-server on port " + port() + " is unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Path configFile() {
    return dir().resolve("nats.conf");
  }

  @Override
  List<String> command() {
    return List.of(NATS_SERVER.toString(), "-c", configFile().toString());
  }

  /** The server greets every connection with its INFO line once it accepts clients (JetStream is up by then). */
  @Override
  boolean ready() {
    return new String(greeting(5), StandardCharsets.US_ASCII).equals("INFO ");
  }
}
