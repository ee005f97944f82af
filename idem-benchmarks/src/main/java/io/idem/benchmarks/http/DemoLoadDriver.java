package io.idem.benchmarks.http;

import io.idem.demo.DemoOptions;
import io.idem.demo.DemoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Load on the payments demo's {@code POST /payments}, 1 KiB JSON bodies, memory store, in one run:
 *
 * <ol>
 *   <li>baseline: the same server without Idem's filter;</li>
 *   <li>with Idem, every request a new key (reserve + complete: two store calls);</li>
 *   <li>with Idem, every request a key that completed before (a replay: one store call, no handler).</li>
 * </ol>
 *
 * The phases alternate for several rounds so that drift on a shared machine hits all of them alike.
 * Not a test: run it by hand, see BENCHMARKS.md.
 *
 * <pre>java -cp idem-benchmarks/target/idem-benchmarks.jar io.idem.benchmarks.http.DemoLoadDriver
 *     [--connections 16] [--seconds 5] [--rounds 3]</pre>
 */
public final class DemoLoadDriver {

  private DemoLoadDriver() {}

  public static void main(String[] args) throws Exception {
    int connections = intOption(args, "--connections", 16);
    int seconds = intOption(args, "--seconds", 5);
    int rounds = intOption(args, "--rounds", 3);
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");

    try (DemoServer plain = DemoServer.startWithoutIdempotency(DemoOptions.defaults().withPort(0));
        DemoServer idem = DemoServer.start(DemoOptions.defaults().withPort(0))) {
      LoadPhase baseline = new LoadPhase("baseline (no filter)", plain.port(), KeySource.unique("b"));
      LoadPhase original = new LoadPhase("idem, new keys", idem.port(), KeySource.unique("n"));
      LoadPhase replay = new LoadPhase("idem, replays", idem.port(), KeySource.replaying(original));

      // Warm-up: JIT, connection pools, and a stock of completed keys for the replay phase.
      for (LoadPhase phase : List.of(baseline, original, replay)) {
        phase.run(connections, Math.max(2, seconds / 2));
        phase.reset();
      }
      for (int round = 0; round < rounds; round++) {
        baseline.run(connections, seconds);
        original.run(connections, seconds);
        replay.run(connections, seconds);
      }
      report(connections, seconds, rounds, List.of(baseline, original, replay));
    }
  }

  private static void report(int connections, int seconds, int rounds, List<LoadPhase> phases) {
    System.out.printf(Locale.ROOT, "%d connections, %d rounds of %d s per phase, 1 KiB bodies, memory store%n",
        connections, rounds, seconds);
    System.out.printf(Locale.ROOT, "%-22s %12s %10s %10s %10s %8s%n", "phase", "requests/s", "mean ms", "p50 ms",
        "p99 ms", "errors");
    List<Double> throughput = new ArrayList<>();
    for (LoadPhase phase : phases) {
      LoadPhase.Result r = phase.result();
      throughput.add(r.requestsPerSecond());
      System.out.printf(Locale.ROOT, "%-22s %12.0f %10.3f %10.3f %10.3f %8d%n", phase.name(), r.requestsPerSecond(),
          r.meanMillis(), r.percentileMillis(0.50), r.percentileMillis(0.99), r.errors());
    }
    System.out.printf(Locale.ROOT, "with filter / without (new keys): %.3f%n", throughput.get(1) / throughput.get(0));
    System.out.printf(Locale.ROOT, "replays / originals:              %.3f%n", throughput.get(2) / throughput.get(1));
  }

  private static int intOption(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
