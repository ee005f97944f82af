package io.idem.testservers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A real NATS server with JetStream: Debian's {@code nats-server} (package nats-server, installed by
 * {@code .ci/install-test-servers}) on a random port, storing streams in a temporary directory. When
 * it is not installed a test is skipped with a message that says so, except in CI ({@code CI=true}),
 * where it fails. {@link #sharedUrl()} is the server the test classes of one JVM share, or the
 * external one {@value #URL_VARIABLE} names.
 */
public final class NatsServer extends ServerProcess {

  /** A NATS server with JetStream enabled ({@code nats://host:port}) to use instead of starting one. */
  public static final String URL_VARIABLE = "IDEM_TEST_NATS_URL";

  private static final Path NATS_SERVER = Path.of("/usr/sbin/nats-server");

  private static NatsServer shared;

  private NatsServer() {
    super("nats-server", FreePorts.pick(), TempDirectories.create("idem-nats-"));
  }

  /** {@value #URL_VARIABLE}, or a server this JVM started once and stops when it exits. */
  public static synchronized String sharedUrl() {
    return Environment.externalUrl(URL_VARIABLE).orElseGet(() -> {
      if (shared == null) {
        shared = start();
        Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
      }
      return shared.url();
    });
  }

  /** A server of the caller's own; skips the test (fails it in CI) when nats-server is not installed. */
  public static NatsServer start() {
    Environment.requireInstalled("nats-server", URL_VARIABLE, Environment.ci(), NATS_SERVER);
    return launch(new NatsServer());
  }

  public String url() {
    return "nats://127.0.0.1:" + port();
  }

  @Override
  List<String> command() {
    return List.of(NATS_SERVER.toString(), "--addr", "127.0.0.1", "--port", Integer.toString(port()),
        "--jetstream", "--store_dir", dir().resolve("jetstream").toString());
  }

  /** The server greets every connection with its INFO line once it accepts clients (JetStream is up by then). */
  @Override
  boolean ready() {
    return new String(greeting(5), StandardCharsets.US_ASCII).equals("INFO ");
  }
}
