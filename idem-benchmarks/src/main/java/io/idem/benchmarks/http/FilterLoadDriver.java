package io.idem.benchmarks.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import com.sun.management.OperatingSystemMXBean;
import io.idem.benchmarks.wrk.Wrk;

/**
 * What Idem's servlet filter costs over a handler that does almost nothing ({@link TrivialServer}):
 * {@code wrk} POSTs with a fresh {@code Idempotency-Key} each (reserve + complete: two store calls)
 * against the bare server and against the same servlet behind the filter, on each store, at each
 * number of connections. Bare and filtered runs alternate for several rounds so that drift on a
 * shared machine hits both alike. Not a test: run it by hand, see BENCHMARKS.md.
 *
 * <pre>java -cp idem-benchmarks/target/idem-benchmarks.jar io.idem.benchmarks.http.FilterLoadDriver
 *     [--stores memory,redis,postgresql,mariadb] [--connections 16,64] [--seconds 10] [--rounds 3]
 *     [--warmup 5] [--wrk-threads 2] [--pool-size N (JDBC stores; default the store's, 10)]
 *     [--redis-url redis://..] [--postgres-url jdbc:postgresql://..] [--mariadb-url jdbc:mariadb://..]</pre>
 *
 * Without a URL the driver starts that store's server on a random port for the run. Needs {@code wrk}
 * on the PATH (Debian package {@code wrk}).
 */
public final class FilterLoadDriver {

  static final String BODY = "{\"item\":\"book-4711\",\"quantity\":1,\"currency\":\"EUR\"}";
  private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private FilterLoadDriver() {}

  /**
   * One wrk run and the CPU time over it, per request: of this JVM (the HTTP server, Idem, the store's
   * client), which hardly depends on what else the machine runs, and of the whole machine (the JVM,
   * wrk and the store's server), with the machine's busy share: a run at 100 % busy is bound by CPU, so
   * its throughput is the cores over the machine's CPU per request.
   */
  record Measured(Wrk.Result wrk, double jvmCpuMicrosPerRequest, double machineCpuMicrosPerRequest,
      double machineBusyShare) {}

  /** Averages of one store at one number of connections; latencies are medians over the rounds. */
  record Row(StoreTarget store, int connections, Summary bare, Summary filtered) {
    double ratio() {
      return filtered.requestsPerSecond() / bare.requestsPerSecond();
    }

    String errors() {
      return (bare.non2xx() + filtered.non2xx()) + " / " + (bare.socketErrors() + filtered.socketErrors());
    }
  }

  record Summary(double requestsPerSecond, double p50Millis, double p99Millis, long non2xx, long socketErrors,
      double cpuMicros, double machineCpuMicros, double machineBusyShare) {
    static Summary of(List<Measured> rounds) {
      return new Summary(rounds.stream().mapToDouble(m -> m.wrk().requestsPerSecond()).average().orElse(0),
          median(rounds.stream().mapToDouble(m -> m.wrk().p50Millis()).toArray()),
          median(rounds.stream().mapToDouble(m -> m.wrk().p99Millis()).toArray()),
          rounds.stream().mapToLong(m -> m.wrk().non2xx()).sum(),
          rounds.stream().mapToLong(m -> m.wrk().socketErrors()).sum(),
          median(rounds.stream().mapToDouble(Measured::jvmCpuMicrosPerRequest).toArray()),
          median(rounds.stream().mapToDouble(Measured::machineCpuMicrosPerRequest).toArray()),
          median(rounds.stream().mapToDouble(Measured::machineBusyShare).toArray()));
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.out.printf(Locale.ROOT, "%d cores, JDK %s, load average at start %s; %d rounds of %d s per side, "
            + "%d s warm-up, wrk threads %d%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.version"), loadAverage(), options.rounds, options.seconds, options.warmup,
        options.wrkThreads);
    Wrk wrk = new Wrk(new Wrk.Request("POST", TrivialServer.PATH, Map.of("Content-Type", "application/json"), BODY,
        true), options.wrkThreads);
    List<Row> rows = new ArrayList<>();
    try (TrivialServer bare = TrivialServer.bare()) {
      check(bare.url(), false);
      for (StoreTarget target : options.stores) {
        try (StoreTarget.Running store = target.open(options.urls.get(target), options.poolSize);
            TrivialServer filtered = TrivialServer.filtered(store.store())) {
          System.out.println("store: " + store.description());
          check(filtered.url(), true);
          for (int connections : options.connections) {
            Row row = measure(wrk, options, target, connections, bare.url(), filtered.url());
            print(row);
            rows.add(row);
          }
        }
      }
    }
    System.out.println();
    System.out.println("| store | connections | bare req/s | bare p50 / p99 ms | filter req/s | filter p50 / p99 ms "
        + "| filter ÷ bare | JVM CPU µs/req bare / filter | machine CPU µs/req bare / filter | machine busy bare / filter "
        + "| non-2xx / socket errors |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (Row row : rows) {
      System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %.2f / %.2f | %,.0f | %.2f / %.2f | %.2f | %.0f / %.0f "
              + "| %.0f / %.0f | %.0f %% / %.0f %% | %s |%n",
          row.store().label(), row.connections(), row.bare().requestsPerSecond(), row.bare().p50Millis(),
          row.bare().p99Millis(), row.filtered().requestsPerSecond(), row.filtered().p50Millis(),
          row.filtered().p99Millis(), row.ratio(), row.bare().cpuMicros(), row.filtered().cpuMicros(),
          row.bare().machineCpuMicros(), row.filtered().machineCpuMicros(), 100 * row.bare().machineBusyShare(),
          100 * row.filtered().machineBusyShare(), row.errors());
    }
  }

  private static Row measure(Wrk wrk, Options options, StoreTarget target, int connections, String bareUrl,
      String filteredUrl) {
    // Warm-up: JIT, connection pools, statement caches, the store's first pages.
    run(wrk, bareUrl, connections, options.warmup);
    run(wrk, filteredUrl, connections, options.warmup);
    List<Measured> bare = new ArrayList<>();
    List<Measured> filtered = new ArrayList<>();
    for (int round = 0; round < options.rounds; round++) {
      bare.add(run(wrk, bareUrl, connections, options.seconds));
      filtered.add(run(wrk, filteredUrl, connections, options.seconds));
    }
    return new Row(target, connections, Summary.of(bare), Summary.of(filtered));
  }

  /** Every request carries a key no request sent before: a replayed answer means the run measured replays. */
  private static Measured run(Wrk wrk, String url, int connections, int seconds) {
    long cpuBefore = OS.getProcessCpuTime();
    MachineCpu machineBefore = MachineCpu.now();
    Wrk.Result result = wrk.run(url, connections, seconds);
    MachineCpu machine = MachineCpu.now().since(machineBefore);
    long cpuNanos = OS.getProcessCpuTime() - cpuBefore;
    if (result.replayed() > 0) {
      throw new IllegalStateException(url + " replayed " + result.replayed() + " of " + result.requests()
          + " requests that each carried a new key: the run did not measure first executions");
    }
    long requests = Math.max(1, result.requests());
    return new Measured(result, cpuNanos / 1000.0 / requests,
        machine.known() ? machine.busyNanos() / 1000.0 / requests : Double.NaN, machine.busyShare());
  }

  private static void print(Row row) {
    System.out.printf(Locale.ROOT, "  %-10s c=%-3d bare %,9.0f req/s p50 %6.2f ms p99 %7.2f ms %4.0f µs CPU | filter "
            + "%,9.0f req/s p50 %6.2f ms p99 %7.2f ms %4.0f µs CPU | ratio %.2f | machine %3.0f / %3.0f µs, "
            + "busy %3.0f %% / %3.0f %% | errors %s%n", row.store().label(),
        row.connections(), row.bare().requestsPerSecond(), row.bare().p50Millis(), row.bare().p99Millis(),
        row.bare().cpuMicros(), row.filtered().requestsPerSecond(), row.filtered().p50Millis(),
        row.filtered().p99Millis(), row.filtered().cpuMicros(), row.ratio(), row.bare().machineCpuMicros(),
        row.filtered().machineCpuMicros(), 100 * row.bare().machineBusyShare(), 100 * row.filtered().machineBusyShare(),
        row.errors());
  }

  /** The server answers 201 and, behind the filter, replays a repeated key: what is measured is what it claims. */
  private static void check(String url, boolean filtered) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + TrivialServer.PATH))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", "check-" + UUID.randomUUID())
        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    HttpResponse<String> first = client.send(request, HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> second = client.send(request, HttpResponse.BodyHandlers.ofString());
    boolean replayed = second.headers().firstValue("Idempotent-Replayed").isPresent();
    if (first.statusCode() != 201 || second.statusCode() != 201 || replayed != filtered
        || !first.body().equals(second.body())) {
      throw new IllegalStateException(url + " answered " + first.statusCode() + " then " + second.statusCode()
          + (replayed ? " (replayed)" : " (not replayed)") + "; expected 201 twice, replayed only behind the filter");
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The command line. */
  private static final class Options {
    List<StoreTarget> stores = List.of(StoreTarget.values());
    int[] connections = {16, 64};
    int seconds = 10;
    int rounds = 3;
    int warmup = 5;
    int wrkThreads = 2;
    int poolSize;
    final Map<StoreTarget, String> urls = new EnumMap<>(StoreTarget.class);

    static Options parse(String[] args) {
      Options options = new Options();
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        String value = args[i + 1];
        switch (args[i]) {
          case "--stores" -> options.stores = Arrays.stream(value.split(",")).map(StoreTarget::parse).toList();
          case "--connections" -> options.connections = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
          case "--seconds" -> options.seconds = Integer.parseInt(value);
          case "--rounds" -> options.rounds = Integer.parseInt(value);
          case "--warmup" -> options.warmup = Integer.parseInt(value);
          case "--wrk-threads" -> options.wrkThreads = Integer.parseInt(value);
          case "--pool-size" -> options.poolSize = Integer.parseInt(value);
          case "--redis-url" -> options.urls.put(StoreTarget.REDIS, value);
          case "--postgres-url" -> options.urls.put(StoreTarget.POSTGRESQL, value);
          case "--mariadb-url" -> options.urls.put(StoreTarget.MARIADB, value);
          default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see the class's javadoc");
        }
      }
      return options;
    }
  }
}
