package io.idem.benchmarks.redis;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.benchmarks.Chains;
import io.idem.benchmarks.ClientThreads;
import io.idem.redis.RedisStore;
import io.idem.spi.Reservation;
import io.idem.testservers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load driver for the Redis store: reserve + complete pairs per second at several concurrencies,
 * each beside {@code redis-benchmark} running {@code SET key v NX PX 86400000} on random keys against
 * the same server at the same concurrency, in the same run: alternating rounds (three unless --rounds says) per
 * concurrency, and the median of the per-round ratios. A pair is two round trips, so 0.5 is the
 * ratio a store without pipelining cannot beat. Each round also reports the client's CPU time per pair
 * (this JVM's, all threads), a cost that other load on the machine disturbs less than throughput.
 *
 * <pre>
 * java -cp idem-benchmarks/target/idem-benchmarks.jar io.idem.benchmarks.redis.RedisStoreLoad \
 *     [--seconds 10 (per side, split over the rounds)] [--rounds 3] [--concurrency 1,16,64] [--port PORT (use a running server instead of starting one)]
 *     [--connections 1 (RedisStore.Builder#connections)] [--threads platform|virtual (virtual needs JDK 21+)]
 *     [--api sync|async (async: concurrency = pairs in flight through reserveAsync/completeAsync, no client threads)]
 * </pre>
 *
 * Needs {@code redis-server} (when no port is given) and {@code redis-benchmark} on the PATH
 * (Debian: {@code apt-get install redis-server redis-tools}).
 */
public final class RedisStoreLoad {

  private static int rounds = 3;
  private static int connections = 1;
  // Long enough for the JIT to finish with the hot path: the first measured round ran slowest at 2 s.
  private static final int WARMUP_SECONDS = 5;
  private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) requests per second");
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration RETENTION = Duration.ofHours(1);
  private static final Fingerprint FINGERPRINT = Fingerprint.of("POST", "/payments", "{\"amount\":100}");
  private static final byte[] RESULT = "{\"status\":201,\"id\":\"pay_123\"}".getBytes(StandardCharsets.UTF_8);

  private RedisStoreLoad() {}

  private static ClientThreads threads = ClientThreads.PLATFORM;
  private static boolean asyncApi;

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    List<Integer> concurrencies = List.of(1, 16, 64);
    Integer externalPort = null;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--concurrency" -> concurrencies = parseList(args[i + 1]);
        case "--port" -> externalPort = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--connections" -> connections = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = ClientThreads.parse(args[i + 1]);
        case "--api" -> asyncApi = switch (args[i + 1]) {
          case "sync" -> false;
          case "async" -> true;
          default -> throw new IllegalArgumentException("--api is sync or async, was " + args[i + 1]);
        };
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; use --seconds N, --rounds N, --concurrency 1,16,64, --connections N, --port PORT, --threads platform|virtual, --api sync|async");
      }
    }
    RedisServer server = externalPort == null ? RedisServer.startFrom("redis-server") : null;
    int port = server != null ? server.port() : externalPort;
    try {
      System.out.printf(Locale.ROOT, "Redis store load, %d s per point, redis on port %d, %d cores, %s, %s%n",
          seconds, port, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
          (asyncApi ? "asynchronous API" : "blocking API on " + threads) + ", " + connections + " connection(s)");
      System.out.printf(Locale.ROOT, "%11s %5s %14s %14s %7s %12s%n", "concurrency", "round", "idem pairs/s", "raw SET/s",
          "ratio", "CPU µs/pair");
      for (int concurrency : concurrencies) {
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuPerPair = new ArrayList<>();
        try (RedisStore store = RedisStore.builder("redis://127.0.0.1:" + port).connections(connections).build()) {
          runPairs(store, concurrency, WARMUP_SECONDS, "warmup");
          long rawRequests = calibrate(port, concurrency, (double) seconds / rounds);
          // Rounds alternate both sides, so load from other processes on the machine hits both alike.
          for (int round = 1; round <= rounds; round++) {
            double raw = runRedisBenchmark(port, concurrency, rawRequests);
            flush(server);
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            long completed = runPairs(store, concurrency, Math.max(1, seconds / rounds), "run");
            double pairs = completed / ((System.nanoTime() - start) / 1e9);
            double cpuMicrosPerPair = (processCpuNanos() - cpuStart) / 1e3 / Math.max(1, completed);
            flush(server);
            ratios.add(pairs / raw);
            cpuPerPair.add(cpuMicrosPerPair);
            System.out.printf(Locale.ROOT, "%11d %5d %14.0f %14.0f %7.2f %12.1f%n", concurrency, round, pairs, raw,
                pairs / raw, cpuMicrosPerPair);
          }
        }
        ratios.sort(null);
        cpuPerPair.sort(null);
        System.out.printf(Locale.ROOT, "%11d %5s %14s %14s %7.2f %12.1f  (medians)%n", concurrency, "", "", "",
            ratios.get(ratios.size() / 2), cpuPerPair.get(cpuPerPair.size() / 2));
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static long runPairs(RedisStore store, int concurrency, int seconds, String phase)
      throws InterruptedException {
    return asyncApi ? runAsyncPairs(store, concurrency, seconds, phase) : runBlockingPairs(store, concurrency, seconds, phase);
  }

  /**
   * {@code concurrency} chains of reserveAsync then completeAsync, each starting its next pair when
   * the last completes: that many pairs in flight, on no thread of the driver's own.
   */
  private static long runAsyncPairs(RedisStore store, int concurrency, int seconds, String phase)
      throws InterruptedException {
    String namespace = "load-" + phase + "-" + System.nanoTime();
    return Chains.runAsync(concurrency, seconds, client -> {
      long[] sequence = {0};
      return () -> {
        IdempotencyKey key = IdempotencyKey.of(namespace, "client-" + client, "key-" + sequence[0]++);
        LeaseToken token = LeaseToken.random();
        return store.reserveAsync(key, FINGERPRINT, token, LEASE)
            .thenCompose(reservation -> reservation instanceof Reservation.Acquired
                ? store.completeAsync(key, token, RESULT, RETENTION)
                : CompletableFuture.completedFuture(false));
      };
    });
  }

  /** {@code concurrency} client threads, each a fresh key per blocking reserve + complete. */
  private static long runBlockingPairs(RedisStore store, int concurrency, int seconds, String phase)
      throws InterruptedException {
    String namespace = "load-" + phase + "-" + System.nanoTime();
    return Chains.runBlocking(concurrency, seconds, threads, client -> {
      long[] sequence = {0};
      return () -> {
        IdempotencyKey key = IdempotencyKey.of(namespace, "client-" + client, "key-" + sequence[0]++);
        LeaseToken token = LeaseToken.random();
        return store.reserve(key, FINGERPRINT, token, LEASE) instanceof Reservation.Acquired
            && store.complete(key, token, RESULT, RETENTION);
      };
    });
  }

  /**
   * CPU time this JVM has used (every thread: Lettuce's I/O threads, the driver, JIT and GC). Per pair,
   * it is the client's cost, which stays comparable when other processes crowd the machine and the
   * throughput figures scatter.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** How many requests redis-benchmark needs to run about {@code seconds} at this concurrency. */
  private static long calibrate(int port, int concurrency, double seconds) throws IOException, InterruptedException {
    double probe = runRedisBenchmark(port, concurrency, 20_000L * Math.min(concurrency, 4));
    return Math.max(20_000, (long) (probe * seconds));
  }

  private static double runRedisBenchmark(int port, int concurrency, long requests) throws IOException, InterruptedException {
    List<String> command = List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port),
        "-c", Integer.toString(concurrency), "-n", Long.toString(requests), "-r", "100000000", "-q",
        "SET", "key:__rand_int__", "v", "NX", "PX", "86400000");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    Matcher rate = RATE.matcher(output);
    double last = -1;
    while (rate.find()) {
      last = Double.parseDouble(rate.group(1));
    }
    if (last < 0) {
      throw new IllegalStateException("no rate in redis-benchmark output: " + output);
    }
    return last;
  }

  /** Empties a server the driver started, so every point starts from the same memory state. */
  private static void flush(RedisServer ownServer) {
    if (ownServer == null) {
      return;
    }
    // Through Lettuce (60 s timeout): freeing millions of keys on a crowded machine can outlast the
    // test-server helper's 5 s socket timeout, which ended a run.
    RedisClient client = RedisClient.create(ownServer.url());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().flushall();
    } finally {
      client.shutdown();
    }
  }

  private static List<Integer> parseList(String csv) {
    List<Integer> values = new ArrayList<>();
    for (String part : csv.split(",")) {
      values.add(Integer.parseInt(part.trim()));
    }
    return values;
  }
}
