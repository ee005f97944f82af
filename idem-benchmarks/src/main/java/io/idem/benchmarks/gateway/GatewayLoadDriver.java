package io.idem.benchmarks.gateway;

import io.idem.benchmarks.wrk.Wrk;
import io.idem.testservers.RedisServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway beside nginx, in one run, against one fast local upstream ({@link FastUpstream}), with
 * {@code wrk} POSTing a new {@code Idempotency-Key} on every request at 16 and 64 connections:
 *
 * <ol>
 *   <li>direct: wrk to the upstream;</li>
 *   <li>nginx: Debian's nginx as a plain reverse proxy ({@link NginxProxy});</li>
 *   <li>gateway, memory store: {@code io.idem.gateway.GatewayMain} in a JVM of its own, as a user runs it;</li>
 *   <li>gateway, Redis: the same on a Redis server started for the run;</li>
 *   <li>gateway, no key: the memory gateway with requests that carry no key (they pass through): what
 *       the proxying costs without the idempotency.</li>
 * </ol>
 *
 * Every request through the gateway is a new key: a reserve and a complete on the store, a forwarded
 * request and a stored answer. Besides throughput and latency it reports the CPU time the proxy's own
 * processes spent per request (nginx's master and workers; the gateway's JVM): on a machine shared with
 * other work, throughput follows the share of the cores a process gets, CPU per request does not. The configurations alternate for several rounds, so drift on a shared
 * machine hits all alike. Not a test: run by hand, see BENCHMARKS.md. Needs {@code wrk} and
 * {@code nginx} on the PATH (Debian: {@code apt-get install wrk nginx-light}).
 *
 * <pre>java -cp idem-benchmarks/target/idem-benchmarks.jar io.idem.benchmarks.gateway.GatewayLoadDriver
 *     [--seconds 10] [--rounds 2] [--warmup 60 (s per configuration, before the rounds)]
 *     [--only memory,redis,"no key" (gateway configurations to run; nginx and direct always run)]</pre>
 *
 * <p>{@code IDEM_BENCH_GATEWAY_JAVA_OPTIONS} (split on spaces) is passed to the gateways' JVMs, to
 * profile them or try collector settings; without it they run with the JVM's defaults, as a user's.
 */
public final class GatewayLoadDriver {

  private static final int[] CONNECTIONS = {16, 64};

  private static final Map<String, String> HEADERS =
      Map.of("Content-Type", "application/json", "Authorization", "Bearer sk_test_bench");
  private static final String BODY = "{\"amount\":100,\"currency\":\"eur\"}";

  private GatewayLoadDriver() {}

  /** One configuration's run: wrk's figures (latencies in µs) and the proxy's CPU time per request. */
  record Result(double requestsPerSecond, double p50Micros, double p99Micros, long requests, long errors,
      double cpuMicrosPerRequest) {}

  public static void main(String[] args) throws Exception {
    int seconds = intOption(args, "--seconds", 10);
    int rounds = intOption(args, "--rounds", 2);
    // The gateway's JIT needs about a minute of this load on two cores before its rate levels off.
    int warmup = intOption(args, "--warmup", 60);
    String only = stringOption(args, "--only", "memory,redis,no key").toLowerCase(Locale.ROOT);
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // Keyed requests are new keys, each a reserve and a complete; unkeyed ones pass through the gateway.
    Wrk keyed = new Wrk(new Wrk.Request("POST", "/payments", HEADERS, BODY, true), 2);
    Wrk unkeyed = new Wrk(new Wrk.Request("POST", "/unkeyed", HEADERS, BODY, false), 2);
    List<Process> gateways = new ArrayList<>();
    try (FastUpstream upstream = new FastUpstream();
        RedisServer redis = RedisServer.start();
        NginxProxy nginx = new NginxProxy(freePort(), upstream.port())) {
      Map<String, Integer> targets = new LinkedHashMap<>();
      Map<String, ProcessHandle> processes = new LinkedHashMap<>();
      targets.put("direct", upstream.port());
      targets.put("nginx", nginx.port());
      targets.put("gateway, memory", startGateway(gateways, upstream.port(), "memory:"));
      targets.put("gateway, Redis", startGateway(gateways, upstream.port(), redis.url()));
      processes.put("direct", ProcessHandle.current());
      processes.put("nginx", nginx.process().toHandle());
      processes.put("gateway, memory", gateways.get(0).toHandle());
      processes.put("gateway, Redis", gateways.get(1).toHandle());
      targets.put("gateway, no key", targets.get("gateway, memory"));
      processes.put("gateway, no key", gateways.get(0).toHandle());
      targets.keySet().removeIf(name -> name.startsWith("gateway, ")
          && !List.of(only.split(",")).contains(name.substring("gateway, ".length()).toLowerCase(Locale.ROOT)));
      for (Map.Entry<String, Integer> target : targets.entrySet()) {
        awaitPort(target.getKey(), target.getValue());
      }
      System.out.printf(Locale.ROOT, "warming up (%d s per configuration)%n", warmup);
      for (Map.Entry<String, Integer> target : targets.entrySet()) {
        run(keyed(target.getKey()) ? keyed : unkeyed, target.getValue(), 64, warmup);
      }
      Map<String, List<Result>> results = new LinkedHashMap<>();
      for (int round = 0; round < rounds; round++) {
        List<String> order = new ArrayList<>(targets.keySet());
        if (round % 2 == 1) {
          java.util.Collections.reverse(order);
        }
        for (int connections : CONNECTIONS) {
          for (String name : order) {
            long cpuBefore = cpuNanos(processes.get(name));
            Wrk.Result measured = run(keyed(name) ? keyed : unkeyed, targets.get(name), connections, seconds);
            double cpuMicros = (cpuNanos(processes.get(name)) - cpuBefore) / 1_000.0 / measured.requests();
            Result result = new Result(measured.requestsPerSecond(), measured.p50Millis() * 1_000,
                measured.p99Millis() * 1_000, measured.requests(), measured.errors(), cpuMicros);
            System.out.printf(Locale.ROOT, "round %d, %2d connections, %-16s %9.0f req/s  p50 %7.0f us  p99 %7.0f us"
                + "  cpu %5.1f us/req  errors %d%n", round + 1, connections, name, result.requestsPerSecond(),
                result.p50Micros(), result.p99Micros(), cpuMicros, result.errors());
            results.computeIfAbsent(connections + "|" + name, k -> new ArrayList<>()).add(result);
          }
        }
      }
      report(seconds, rounds, targets.keySet(), results);
    } finally {
      for (Process gateway : gateways) {
        gateway.destroy();
        gateway.waitFor();
      }
    }
  }

  /** A replay would mean the run measured stored answers, not forwarded requests: every key is new. */
  private static Wrk.Result run(Wrk wrk, int port, int connections, int seconds) {
    Wrk.Result result = wrk.run("http://127.0.0.1:" + port, connections, seconds);
    if (result.replayed() > 0) {
      throw new IllegalStateException("port " + port + " replayed " + result.replayed() + " of " + result.requests()
          + " requests that each carried a new key");
    }
    return result;
  }

  private static boolean keyed(String configuration) {
    return !configuration.equals("gateway, no key");
  }

  /** The gateway as a user starts it, in a JVM of its own, with this JVM's class path. */
  private static int startGateway(List<Process> started, int upstreamPort, String store) throws IOException {
    int port = freePort();
    Path log = Files.createTempFile("idem-bench-gateway", ".log");
    log.toFile().deleteOnExit();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    String options = System.getenv("IDEM_BENCH_GATEWAY_JAVA_OPTIONS");
    if (options != null && !options.isBlank()) {
      command.addAll(List.of(options.trim().split("\\s+")));
    }
    command.addAll(List.of("io.idem.gateway.GatewayMain",
        "--port", Integer.toString(port), "--upstream", "http://127.0.0.1:" + upstreamPort, "--store", store,
        "--require-key", "/payments", "--connections-per-client", "1024"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(process);
    return port;
  }

  private static void report(int seconds, int rounds, Iterable<String> names, Map<String, List<Result>> results) {
    System.out.printf(Locale.ROOT, "%n%d s per run, %d rounds, wrk -t2, POST /payments with a new Idempotency-Key "
        + "each%n", seconds, rounds);
    System.out.println("| connections | configuration | req/s | ÷ nginx | p50 µs | p99 µs | p50 added | p99 added "
        + "| proxy CPU µs/req | errors |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (int connections : CONNECTIONS) {
      Result direct = mean(results.get(connections + "|direct"));
      Result nginx = mean(results.get(connections + "|nginx"));
      for (String name : names) {
        Result r = mean(results.get(connections + "|" + name));
        boolean baseline = name.equals("direct");
        System.out.printf(Locale.ROOT, "| %d | %s | %.0f | %.2f | %.0f | %.0f | %s | %s | %s | %d |%n", connections,
            name, r.requestsPerSecond(), r.requestsPerSecond() / nginx.requestsPerSecond(), r.p50Micros(),
            r.p99Micros(),
            baseline ? "—" : String.format(Locale.ROOT, "%+.0f", r.p50Micros() - direct.p50Micros()),
            baseline ? "—" : String.format(Locale.ROOT, "%+.0f", r.p99Micros() - direct.p99Micros()),
            baseline ? "(upstream " + String.format(Locale.ROOT, "%.1f", r.cpuMicrosPerRequest()) + ")"
                : String.format(Locale.ROOT, "%.1f", r.cpuMicrosPerRequest()),
            r.errors());
      }
    }
  }

  private static Result mean(List<Result> runs) {
    double rate = 0;
    double p50 = 0;
    double p99 = 0;
    double cpu = 0;
    long requests = 0;
    long errors = 0;
    for (Result run : runs) {
      rate += run.requestsPerSecond();
      p50 += run.p50Micros();
      p99 += run.p99Micros();
      cpu += run.cpuMicrosPerRequest();
      requests += run.requests();
      errors += run.errors();
    }
    int n = runs.size();
    return new Result(rate / n, p50 / n, p99 / n, requests, errors, cpu / n);
  }

  /**
   * CPU time of a proxy's processes as the kernel counts it: nginx's master and workers, the gateway's
   * JVM. For "direct" this JVM alone (the upstream), without the proxies it started.
   */
  private static long cpuNanos(ProcessHandle process) {
    long nanos = ownCpuNanos(process);
    if (!process.equals(ProcessHandle.current())) {
      for (ProcessHandle child : (Iterable<ProcessHandle>) process.descendants()::iterator) {
        nanos += ownCpuNanos(child);
      }
    }
    return nanos;
  }

  private static long ownCpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  private static void awaitPort(String name, int port) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IOException(name + " did not open port " + port + " within 60 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String stringOption(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  private static int intOption(String[] args, String name, int fallback) {
    return Integer.parseInt(stringOption(args, name, Integer.toString(fallback)));
  }

}
