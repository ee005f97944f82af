package io.idem.gateway;

import io.idem.storeuri.StoreUri;
import io.netty.util.ResourceLeakDetector;
import java.io.PrintStream;
import java.util.Map;

/** {@code java -jar idem-gateway.jar --upstream URL [--port N] [--store URI] ...}; see {@link GatewayOptions#USAGE}. */
public final class GatewayMain {

  /** Exit status for flags the gateway cannot accept. */
  static final int USAGE_ERROR = 2;
  /** Exit status when the server or the store cannot start. */
  static final int START_ERROR = 1;

  private GatewayMain() {}

  public static void main(String[] args) {
    productionLeakDetection();
    StartResult result = start(args, System.getenv(), System.out, System.err);
    if (result.server() == null) {
      System.exit(result.exitCode());
    }
    GatewayServer server = result.server();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("error while stopping: " + e);
      }
    }, "idem-gateway-shutdown"));
  }

  /**
   * Netty samples one buffer in 128 for leak tracking by default, recording a stack trace for each: a
   * per-request cost a running gateway does not need (its tests track every buffer, see the POM). An
   * operator who wants it sets {@code -Dio.netty.leakDetection.level}, which is then left as given.
   */
  private static void productionLeakDetection() {
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  /** The started server, or null and the exit status. */
  record StartResult(GatewayServer server, int exitCode) {}

  static StartResult start(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    GatewayOptions options;
    try {
      options = GatewayOptions.parse(args, env);
    } catch (CommandLine.UsageException e) {
      err.println("idem-gateway: " + e.getMessage());
      err.println(GatewayOptions.USAGE);
      return new StartResult(null, USAGE_ERROR);
    }
    if (options == null) {
      out.println(GatewayOptions.USAGE);
      return new StartResult(null, 0);
    }
    try {
      GatewayServer server = GatewayServer.start(options);
      out.println("Idem gateway on http://localhost:" + server.port() + " -> " + options.upstream() + " (store "
          + StoreUri.redact(options.store()) + ", lease " + options.lease() + ", retention " + options.retention()
          + (server.adminPort() >= 0 ? ", admin on port " + server.adminPort() : "") + ")");
      return new StartResult(server, 0);
    } catch (Exception e) {
      err.println("idem-gateway: could not start: " + e.getMessage());
      return new StartResult(null, START_ERROR);
    }
  }
}
