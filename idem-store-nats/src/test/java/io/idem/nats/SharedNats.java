package io.idem.nats;

/**
 * The standalone server the test classes share, started once per test JVM and stopped when it exits;
 * {@code IDEM_TEST_NATS_URL} points the suites at an external server instead. Tests that stop, freeze
 * or count a server start one of their own.
 */
final class SharedNats {

  private static NatsServer server;

  private SharedNats() {}

  static synchronized String url() {
    String external = System.getenv("IDEM_TEST_NATS_URL");
    if (external != null && !external.isBlank()) {
      return external;
    }
    if (server == null) {
      server = NatsServer.start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
    return server.url();
  }
}
