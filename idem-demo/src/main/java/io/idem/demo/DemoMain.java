package io.idem.demo;

import io.idem.storeuri.Durations;
import io.idem.storeuri.StoreUri;
import java.io.PrintStream;
import java.util.Map;

/** {@code java -jar idem-demo.jar [--port N] [--store URI] [--lease D] [--retention D]}. */
public final class DemoMain {

  /** Exit status for flags the demo cannot accept. */
  static final int USAGE_ERROR = 2;
  /** Exit status when the server or store cannot start. */
  static final int START_ERROR = 1;

  private DemoMain() {}

  public static void main(String[] args) {
    StartResult result = start(args, System.getenv(), System.out, System.err);
    if (result.server() == null) {
      System.exit(result.exitCode());
    }
    DemoServer server = result.server();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("error while stopping: " + e);
      }
    }, "idem-demo-shutdown"));
  }

  /** The started server, or null and the exit status. */
  record StartResult(DemoServer server, int exitCode) {}

  static StartResult start(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    DemoOptions options;
    try {
      options = DemoOptions.parse(args, env);
    } catch (DemoOptions.UsageException e) {
      err.println("idem-demo: " + e.getMessage());
      err.println(DemoOptions.USAGE);
      return new StartResult(null, USAGE_ERROR);
    }
    if (options == null) {
      out.println(DemoOptions.USAGE);
      return new StartResult(null, 0);
    }
    try {
      DemoServer server = DemoServer.start(options);
      out.println("Idem payments demo on http://localhost:" + server.port() + " (store "
          + StoreUri.redact(options.store()) + ", lease " + Durations.format(options.lease()) + ", retention "
          + Durations.format(options.retention()) + ")");
      return new StartResult(server, 0);
    } catch (Exception e) {
      err.println("idem-demo: could not start: " + e.getMessage());
      return new StartResult(null, START_ERROR);
    }
  }
}
