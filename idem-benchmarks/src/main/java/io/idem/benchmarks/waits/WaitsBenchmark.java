package io.idem.benchmarks.waits;

import io.idem.jdbc.JdbcStore;
import io.idem.memory.MemoryStore;
import io.idem.nats.NatsStore;
import io.idem.redis.RedisStore;
import io.idem.spi.IdempotencyStore;
import io.idem.testservers.MariaDbServer;
import io.idem.testservers.NatsServer;
import io.idem.testservers.PostgresServer;
import io.idem.testservers.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Waiting duplicates, store by store, in one run: the time from the original's completion to the
 * duplicate's answer (p50 / p99, ms), signalled by the store and polled every 20 ms, with 1 waiter and
 * with 1,000, beside one read of a completed record on the same store. Each store runs against a real
 * server this benchmark starts (embedded Redis 7.0, PostgreSQL 15, Debian's nats-server and mariadbd).
 *
 * <pre>java -cp idem-benchmarks/target/idem-benchmarks.jar io.idem.benchmarks.waits.WaitsBenchmark
 *     [rounds-of-1 (default 200)] [rounds-of-1000 (default 3)] [memory|redis|postgresql|nats|mariadb ...]</pre>
 */
public final class WaitsBenchmark {

  private static final int MANY = 1_000;

  private WaitsBenchmark() {}

  /** A store on a server of its own, opened and closed around one store's measurements. */
  private record Target(String name, Function<List<AutoCloseable>, IdempotencyStore> open) {}

  public static void main(String[] args) throws Exception {
    int roundsOfOne = 200;
    int roundsOfMany = 3;
    List<String> names = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    for (String arg : args) {
      if (arg.matches("[0-9]+")) {
        numbers.add(Integer.parseInt(arg));
      } else {
        names.add(arg.toLowerCase(Locale.ROOT));
      }
    }
    if (!numbers.isEmpty()) {
      roundsOfOne = numbers.get(0);
    }
    if (numbers.size() > 1) {
      roundsOfMany = numbers.get(1);
    }
    List<Target> targets = List.of(
        new Target("memory", owned -> MemoryStore.create()),
        new Target("redis", owned -> {
          RedisServer server = RedisServer.start();
          owned.add(server);
          return RedisStore.create(server.url());
        }),
        new Target("postgresql", owned -> {
          PostgresServer server = PostgresServer.start();
          owned.add(server);
          return JdbcStore.builder(server.url()).createIfMissing(true).poolSize(16).build();
        }),
        new Target("nats", owned -> {
          NatsServer server = NatsServer.start();
          owned.add(server);
          return NatsStore.create(server.url());
        }),
        new Target("mariadb", owned -> {
          MariaDbServer server = MariaDbServer.start();
          owned.add(server);
          return JdbcStore.builder(server.url()).createIfMissing(true).poolSize(16).build();
        }));

    System.out.printf(Locale.ROOT, "rounds: %d of 1 waiter, %d of %d waiters; poll interval %d ms%n%n",
        roundsOfOne, roundsOfMany, MANY, WaitLatency.POLL_MILLIS);
    System.out.println("| store | waiters | one read p50 / p99 | signalled p50 / p99 | polled p50 / p99 |"
        + " reads per waiter, signalled / polled |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (Target target : targets) {
      if (!names.isEmpty() && !names.contains(target.name())) {
        continue;
      }
      List<AutoCloseable> owned = new ArrayList<>();
      try {
        IdempotencyStore store = target.open().apply(owned);
        owned.add(0, store);
        measure(target.name(), store, roundsOfOne, roundsOfMany);
      } finally {
        for (AutoCloseable resource : owned) {
          resource.close();
        }
      }
    }
  }

  private static void measure(String name, IdempotencyStore store, int roundsOfOne, int roundsOfMany)
      throws Exception {
    IdempotencyStore polled = new PollingOnly(store);
    // Warm-up: class loading, JIT, connections, the subscriber or listener.
    WaitLatency.measure(store, 1, 20);
    WaitLatency.measure(polled, 1, 5);
    WaitLatency.measure(store, 100, 1);
    WaitLatency.Percentiles read = WaitLatency.oneRead(store, 500);
    row(name, 1, read, WaitLatency.measure(store, 1, roundsOfOne), WaitLatency.measure(polled, 1, roundsOfOne));
    row(name, MANY, read, WaitLatency.measure(store, MANY, roundsOfMany),
        WaitLatency.measure(polled, MANY, roundsOfMany));
  }

  private static void row(String name, int waiters, WaitLatency.Percentiles read, WaitLatency.Percentiles signalled,
      WaitLatency.Percentiles polled) {
    System.out.printf(Locale.ROOT, "| %s | %,d | %s | %s | %s | %.1f / %.1f |%n", name, waiters, read.format(),
        signalled.format(), polled.format(), signalled.readsPerWaiter(), polled.readsPerWaiter());
  }
}
