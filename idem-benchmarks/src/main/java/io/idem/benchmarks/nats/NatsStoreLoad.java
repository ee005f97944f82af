package io.idem.benchmarks.nats;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.benchmarks.Chains;
import io.idem.benchmarks.ClientThreads;
import io.idem.nats.NatsStore;
import io.idem.spi.Reservation;
import io.idem.testservers.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Load driver for the NATS store: reserve + complete pairs per second at several concurrencies, each
 * beside the raw minimum on the same server in the same run: a JetStream key-value create of a fresh
 * key (the publish expecting no message that {@code KeyValue.create} sends; with {@code --api async}
 * through {@code publishAsync}, since jnats has no asynchronous create), at the same concurrency, on
 * one connection each (opened alike), into a bucket of the same configuration. Rounds alternate the two sides and
 * which goes first (three rounds unless --rounds says), and the median of the per-round ratios is
 * reported. A pair is two round trips against the raw side's one, so 0.5 is the ceiling. Each round also
 * reports the CPU time per unit of this JVM and of the server it started, and the median of CPU per
 * create over CPU per pair: the ratio a machine whose CPU is the bottleneck would see, which other
 * work on a crowded machine disturbs far less than throughput.
 *
 * <pre>
 * java -cp idem-benchmarks/target/idem-benchmarks.jar io.idem.benchmarks.nats.NatsStoreLoad \
 *     [--seconds 10 (per side, split over the rounds)] [--rounds 3] [--concurrency 1,16,64]
 *     [--api async|sync (async: concurrency = units in flight, no client threads)] [--threads platform|virtual]
 *     [--port 4222 (use the machine's running nats-server -js instead of starting one)]
 * </pre>
 *
 * Starts Debian's {@code nats-server} with JetStream on file storage unless --port is given.
 */
public final class NatsStoreLoad {

  private static final int WARMUP_SECONDS = 5;
  private static final String IDEM_BUCKET = "idem-load";
  private static final String RAW_BUCKET = "raw-load";
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration RETENTION = Duration.ofHours(1);
  private static final byte[] RESULT = "{\"status\":201,\"id\":\"pay_123\"}".getBytes(StandardCharsets.UTF_8);
  /** The raw side writes as many bytes as Idem's in-progress record holds. */
  private static final byte[] RAW_VALUE = new byte[62];
  private static final Fingerprint FINGERPRINT = Fingerprint.of("POST", "/payments", "{\"amount\":100}");

  private static boolean asyncApi = true;
  private static ClientThreads threads = ClientThreads.PLATFORM;

  private NatsStoreLoad() {}

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    int rounds = 3;
    List<Integer> concurrencies = List.of(1, 16, 64);
    Integer externalPort = null;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--concurrency" -> concurrencies = parseList(args[i + 1]);
        case "--port" -> externalPort = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = ClientThreads.parse(args[i + 1]);
        case "--api" -> asyncApi = switch (args[i + 1]) {
          case "async" -> true;
          case "sync" -> false;
          default -> throw new IllegalArgumentException("--api is async or sync, was " + args[i + 1]);
        };
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --seconds N, --rounds N,"
            + " --concurrency 1,16,64, --api async|sync, --threads platform|virtual, --port PORT");
      }
    }
    NatsServer server = externalPort == null ? NatsServer.start() : null;
    String url = server != null ? server.url() : "nats://127.0.0.1:" + externalPort;
    CpuClock cpu = new CpuClock(server != null ? server.pid() : -1);
    // Each side on a connection of its own, both opened alike.
    try (Connection idem = Nats.connect(connectionOptions(url));
        Connection raw = Nats.connect(connectionOptions(url));
        NatsStore store = NatsStore.builder(idem).bucket(IDEM_BUCKET).build()) {
      // Generous: purges between rounds must not end a run on a crowded machine.
      JetStreamManagement management = raw.jetStreamManagement(JetStreamOptions.builder()
          .requestTimeout(Duration.ofSeconds(30)).build());
      raw.keyValueManagement().create(KeyValueConfiguration.builder().name(RAW_BUCKET).maxHistoryPerKey(1)
          .ttl(NatsStore.DEFAULT_MAX_AGE).storageType(StorageType.File).build());
      RawSide rawSide = new RawSide(raw.jetStream(), raw.keyValue(RAW_BUCKET));
      System.out.printf(Locale.ROOT, "NATS store load, %d s per side and point, nats-server %s at %s, %d cores, %s, %s%n",
          seconds, raw.getServerInfo().getVersion(), url, Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.version"), asyncApi ? "asynchronous API" : "blocking API on " + threads);
      System.out.printf(Locale.ROOT, "%11s %5s %13s %13s %6s  %s%n", "concurrency", "round", "idem pairs/s",
          "raw create/s", "ratio", "CPU µs per pair / per create: client, server");
      for (int concurrency : concurrencies) {
        runPairs(store, concurrency, WARMUP_SECONDS, "warmup");
        runRaw(rawSide, concurrency, WARMUP_SECONDS, "warmup");
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        int perRound = Math.max(1, seconds / rounds);
        for (int round = 1; round <= rounds; round++) {
          String phase = "round-" + round;
          // Rounds alternate both sides, and which goes first, so load from other processes hits both alike.
          Measured creates;
          Measured pairs;
          if (round % 2 == 1) {
            creates = measure(cpu, perRound, () -> runRaw(rawSide, concurrency, perRound, phase));
            pairs = measure(cpu, perRound, () -> runPairs(store, concurrency, perRound, phase));
          } else {
            pairs = measure(cpu, perRound, () -> runPairs(store, concurrency, perRound, phase));
            creates = measure(cpu, perRound, () -> runRaw(rawSide, concurrency, perRound, phase));
          }
          management.purgeStream("KV_" + IDEM_BUCKET);
          management.purgeStream("KV_" + RAW_BUCKET);
          ratios.add(pairs.rate() / creates.rate());
          cpuRatios.add(creates.cpuMicros() / pairs.cpuMicros());
          System.out.printf(Locale.ROOT, "%11d %5d %13.0f %13.0f %6.2f  %.1f, %.1f / %.1f, %.1f%n", concurrency, round,
              pairs.rate(), creates.rate(), pairs.rate() / creates.rate(), pairs.clientMicros(), pairs.serverMicros(),
              creates.clientMicros(), creates.serverMicros());
        }
        System.out.printf(Locale.ROOT, "%11d %5s %13s %13s %6.2f  (median ratio; CPU per create / CPU per pair, median:"
            + " %.2f)%n", concurrency, "", "", "", median(ratios), median(cpuRatios));
      }
      management.deleteStream("KV_" + RAW_BUCKET);
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** Units per second, and CPU per unit (µs) of this JVM and of the server (-1: not known). */
  private record Measured(double rate, double clientMicros, double serverMicros) {
    double cpuMicros() {
      return clientMicros + Math.max(0, serverMicros);
    }
  }

  @FunctionalInterface
  private interface Run {
    long units() throws InterruptedException;
  }

  private static Measured measure(CpuClock cpu, int seconds, Run run) throws InterruptedException {
    long client = cpu.clientNanos();
    long server = cpu.serverNanos();
    long units = Math.max(1, run.units());
    long serverAfter = cpu.serverNanos();
    return new Measured(units / (double) seconds, (cpu.clientNanos() - client) / 1e3 / units,
        server < 0 || serverAfter < 0 ? -1 : (serverAfter - server) / 1e3 / units);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static Options connectionOptions(String url) {
    return Options.builder().server(url).build();
  }

  /** Reserve + complete pairs on fresh keys; returns how many completed. */
  private static long runPairs(NatsStore store, int concurrency, int seconds, String phase)
      throws InterruptedException {
    String namespace = "load-" + phase + "-" + System.nanoTime();
    if (asyncApi) {
      return Chains.runAsync(concurrency, seconds, client -> new Supplier<CompletionStage<Boolean>>() {
        private long sequence;

        @Override
        public CompletionStage<Boolean> get() {
          IdempotencyKey key = IdempotencyKey.of(namespace, "client-" + client, "key-" + sequence++);
          LeaseToken token = LeaseToken.random();
          return store.reserveAsync(key, FINGERPRINT, token, LEASE).thenCompose(reservation ->
              reservation instanceof Reservation.Acquired
                  ? store.completeAsync(key, token, RESULT, RETENTION)
                  : CompletableFuture.completedFuture(false));
        }
      });
    }
    return Chains.runBlocking(concurrency, seconds, threads, client -> new BooleanSupplier() {
      private long sequence;

      @Override
      public boolean getAsBoolean() {
        IdempotencyKey key = IdempotencyKey.of(namespace, "client-" + client, "key-" + sequence++);
        LeaseToken token = LeaseToken.random();
        return store.reserve(key, FINGERPRINT, token, LEASE) instanceof Reservation.Acquired
            && store.complete(key, token, RESULT, RETENTION);
      }
    });
  }

  /** Raw creates of fresh keys; returns how many succeeded. */
  private static long runRaw(RawSide raw, int concurrency, int seconds, String phase) throws InterruptedException {
    String prefix = "load-" + phase + "-" + System.nanoTime() + ".client-";
    if (asyncApi) {
      return Chains.runAsync(concurrency, seconds, client -> new Supplier<CompletionStage<Boolean>>() {
        private long sequence;

        @Override
        public CompletionStage<Boolean> get() {
          return raw.createAsync(prefix + client + ".key-" + sequence++);
        }
      });
    }
    return Chains.runBlocking(concurrency, seconds, threads, client -> new BooleanSupplier() {
      private long sequence;

      @Override
      public boolean getAsBoolean() {
        return raw.create(prefix + client + ".key-" + sequence++);
      }
    });
  }

  /** The raw minimum: one create of a fresh key, as {@code KeyValue.create} sends it. */
  private record RawSide(JetStream jetStream, KeyValue keyValue) {
    private static final PublishOptions EXPECT_NO_MESSAGE = PublishOptions.builder().expectedLastSubjectSequence(0)
        .build();

    CompletionStage<Boolean> createAsync(String key) {
      return jetStream.publishAsync("$KV." + RAW_BUCKET + "." + key, RAW_VALUE, EXPECT_NO_MESSAGE)
          .thenApply(ack -> true);
    }

    boolean create(String key) {
      try {
        keyValue.create(key, RAW_VALUE);
        return true;
      } catch (Exception e) {
        throw new IllegalStateException("raw create failed", e);
      }
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
