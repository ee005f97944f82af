package io.idem.benchmarks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.benchmarks.ClientThreads;
import io.idem.jdbc.JdbcStore;
import io.idem.spi.Reservation;
import io.idem.testservers.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reserve + complete pairs per second of {@link JdbcStore} on PostgreSQL 15, beside {@code pgbench}
 * running a plain {@code INSERT .. ON CONFLICT DO NOTHING} of random keys at the same concurrency
 * against the same server in the same run. A pair costs two round trips and two commits, the
 * baseline one of each: 0.5 is the ceiling to expect.
 *
 * <pre>java -cp idem-benchmarks/target/idem-benchmarks.jar io.idem.benchmarks.jdbc.JdbcStoreLoad [seconds]
 *     [--threads platform|virtual (virtual needs JDK 21+)]</pre>
 *
 * Needs {@code pgbench} on the PATH (Debian {@code postgresql-client}).
 */
public final class JdbcStoreLoad {

  private static final int[] CONCURRENCY = {1, 16};
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

  private JdbcStoreLoad() {}

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    ClientThreads threads = ClientThreads.PLATFORM;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--threads") && i + 1 < args.length) {
        threads = ClientThreads.parse(args[++i]);
      } else if (args[i].matches("[0-9]+")) {
        seconds = Integer.parseInt(args[i]);
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i] + "; use [seconds] [--threads platform|virtual]");
      }
    }
    try (PostgresServer postgres = PostgresServer.startWith(Map.of("max_connections", "100",
        "shared_buffers", "256MB",
        // PostgreSQL's own default, which the embedded server turns off: a commit waits for its WAL
        // flush, as it does in the production databases whose throughput this stands for.
        "synchronous_commit", "on"))) {
      String url = postgres.url();
      System.out.printf(Locale.ROOT, "PostgreSQL 15 (embedded, synchronous_commit=on), %d s per run, %d cores, %s, %s%n",
          seconds, Runtime.getRuntime().availableProcessors(), threads, System.getProperty("java.vm.version"));
      System.out.printf(Locale.ROOT, "%-12s %16s %16s %8s%n", "concurrency", "idem pairs/s", "pgbench tps", "ratio");
      for (int concurrency : CONCURRENCY) {
        double pairs = idem(url, concurrency, seconds, threads);
        double tps = pgbench(postgres.port(), concurrency, seconds);
        System.out.printf(Locale.ROOT, "%-12d %16.0f %16.0f %8.2f%n", concurrency, pairs, tps, pairs / tps);
      }
    }
  }

  private static double idem(String url, int concurrency, int seconds, ClientThreads threads) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(concurrency);
    config.setMinimumIdle(concurrency);
    try (HikariDataSource pool = new HikariDataSource(config);
        JdbcStore store = JdbcStore.builder(pool).createIfMissing(true).build()) {
      byte[] result = "{\"status\":\"paid\",\"amount\":1000,\"currency\":\"EUR\"}".getBytes(StandardCharsets.UTF_8);
      run(store, concurrency, Math.max(2, seconds / 3), result, threads); // warm-up: JIT, pool, statement caches
      return run(store, concurrency, seconds, result, threads);
    }
  }

  private static double run(JdbcStore store, int concurrency, int seconds, byte[] result, ClientThreads threads)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder pairs = new LongAdder();
    CountDownLatch done = new CountDownLatch(concurrency);
    String namespace = "bench-" + UUID.randomUUID();
    Duration lease = Duration.ofMinutes(1);
    Duration retention = Duration.ofHours(24);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      int thread = t;
      workers.add(threads.newThread("load-" + t, () -> {
        long i = 0;
        try {
          while (!stop.get()) {
            IdempotencyKey key = IdempotencyKey.of(namespace, "t" + thread + "-" + i++);
            LeaseToken token = LeaseToken.random();
            if (!(store.reserve(key, Fingerprint.EMPTY, token, lease) instanceof Reservation.Acquired)
                || !store.complete(key, token, result, retention)) {
              throw new IllegalStateException("a fresh key was not acquired and completed: " + key);
            }
            pairs.increment();
          }
        } finally {
          done.countDown();
        }
      }));
    }
    long start = System.nanoTime();
    workers.forEach(Thread::start);
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    done.await();
    return pairs.sum() / ((System.nanoTime() - start) / 1e9);
  }

  private static double pgbench(int port, int concurrency, int seconds) throws IOException, InterruptedException {
    Path script = Files.createTempFile("idem-pgbench", ".sql");
    Files.writeString(script, "\\set k random(1, 1000000000000)\n"
        + "INSERT INTO pgbench_idem_keys (k) VALUES ('key-' || :k) ON CONFLICT DO NOTHING;\n");
    String[] connect = {"-h", "localhost", "-p", Integer.toString(port), "-U", "postgres", "postgres"};
    psql(connect, "CREATE TABLE IF NOT EXISTS pgbench_idem_keys (k text COLLATE \"C\" PRIMARY KEY)");
    List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-M", "prepared",
        "-c", Integer.toString(concurrency), "-j", Integer.toString(Math.min(concurrency, 4)),
        "-T", Integer.toString(seconds), "-f", script.toString()));
    command.addAll(List.of(connect));
    String output = exec(command);
    Matcher tps = TPS.matcher(output);
    if (!tps.find()) {
      throw new IllegalStateException("no tps in pgbench output:\n" + output);
    }
    return Double.parseDouble(tps.group(1));
  }

  private static void psql(String[] connect, String sql) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("psql", "-q", "-c", sql));
    command.addAll(List.of(connect));
    exec(command);
  }

  private static String exec(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
    return output;
  }
}
