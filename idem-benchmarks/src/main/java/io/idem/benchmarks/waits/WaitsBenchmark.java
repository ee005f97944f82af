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
 * duplicate's answer (p50 / p99, ms), signalled by the store and polled every 20 ms, with 1 waiter, with
 * 1,000 on 1,000 keys (their originals completing one after another) and with 1,000 on one key (one
 * completion wakes them all), beside one read of a completed record on the same store; on PostgreSQL
 * also the raw {@code NOTIFY → LISTEN} delay of the same server ({@link RawNotifyLag}). Each store runs against a real
 * server this benchmark starts (embedded Redis 7.0, PostgreSQL 15, Debian's nats-server and mariadbd).
 *
 * <pre>java -cp idem-benchmarks/target/idem-benchmarks.jar io.idem.benchmarks.waits.WaitsBenchmark
 *     [rounds-of-1 (default 200)] [rounds-of-1000 (default 3)] [memory|redis|postgresql|nats|mariadb ...]
 *     [--two-clients]</pre>
 *
 * <p>With {@code --two-clients} the originals complete through a second client of the same server (its
 * own connection or pool), as another instance of a service would; by default one client serves both,
 * so on a pooled store the completions and the woken waiters' reads queue for the same connections.
 */
public final class WaitsBenchmark {

  private static final int MANY = 1_000;

  private WaitsBenchmark() {}

  /**
   * A server of its own, started around one store's measurements ({@code start} gives its URL), and
   * how a client of it is opened. The memory store has no server: its one instance is every client.
   */
  private record Target(String name, Function<List<AutoCloseable>, String> start,
      Function<String, IdempotencyStore> client) {}

  public static void main(String[] args) throws Exception {
    int roundsOfOne = 200;
    int roundsOfMany = 3;
    List<String> names = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    boolean twoClients = false;
    for (String arg : args) {
      if (arg.equals("--two-clients")) {
        twoClients = true;
      } else if (arg.matches("[0-9]+")) {
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
    MemoryStore memory = MemoryStore.create();
    List<Target> targets = List.of(
        new Target("memory", owned -> "memory:", url -> memory),
        new Target("redis", owned -> started(owned, RedisServer.start(), RedisServer::url), RedisStore::create),
        new Target("postgresql", owned -> started(owned, PostgresServer.start(), PostgresServer::url),
            url -> JdbcStore.builder(url).createIfMissing(true).poolSize(16).build()),
        new Target("nats", owned -> started(owned, NatsServer.start(), NatsServer::url), NatsStore::create),
        new Target("mariadb", owned -> started(owned, MariaDbServer.start(), MariaDbServer::url),
            url -> JdbcStore.builder(url).createIfMissing(true).poolSize(16).build()));

    System.out.printf(Locale.ROOT, "rounds: %d of 1 waiter, %d of %d waiters; poll interval %d ms; %s%n%n",
        roundsOfOne, roundsOfMany, MANY, WaitLatency.POLL_MILLIS,
        twoClients ? "originals complete through a client of their own" : "one client for originals and waiters");
    System.out.println("| store | waiters | one read p50 / p99 | signalled p50 / p99 | polled p50 / p99 |"
        + " reads per waiter, signalled / polled |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    List<WaitLatency.Percentiles[]> rawNotifications = new ArrayList<>();
    for (Target target : targets) {
      if (!names.isEmpty() && !names.contains(target.name())) {
        continue;
      }
      List<AutoCloseable> owned = new ArrayList<>();
      try {
        String url = target.start().apply(owned);
        IdempotencyStore store = target.client().apply(url);
        owned.add(0, store);
        IdempotencyStore originals = twoClients ? target.client().apply(url) : store;
        if (originals != store) {
          owned.add(0, originals);
        }
        measure(target.name(), store, originals, roundsOfOne, roundsOfMany);
        if (target.name().equals("postgresql")) {
          rawNotifications.add(RawNotifyLag.measure(url, roundsOfOne, MANY, roundsOfMany));
        }
      } finally {
        for (AutoCloseable resource : owned) {
          resource.close();
        }
      }
    }
    for (WaitLatency.Percentiles[] raw : rawNotifications) {
      System.out.printf(Locale.ROOT, "%nraw PostgreSQL NOTIFY → LISTEN, no Idem (same server): 1 at a time %s ms;"
          + " %,d in a row %s ms (p50 / p99)%n", raw[0].format(), MANY, raw[1].format());
    }
  }

  private static <S extends AutoCloseable> String started(List<AutoCloseable> owned, S server,
      Function<S, String> url) {
    owned.add(server);
    return url.apply(server);
  }

  /** {@code store} serves the waiters; {@code originals} completes the originals (the same store, or another client). */
  private static void measure(String name, IdempotencyStore store, IdempotencyStore originals, int roundsOfOne,
      int roundsOfMany) throws Exception {
    IdempotencyStore polled = new PollingOnly(store);
    // Warm-up: class loading, JIT, connections, the subscriber or listener.
    WaitLatency.measure(store, originals, 1, 20);
    WaitLatency.measure(polled, originals, 1, 5);
    WaitLatency.measure(store, originals, 100, 1);
    WaitLatency.Percentiles read = WaitLatency.oneRead(store, 500);
    row(name, "1", read, WaitLatency.measure(store, originals, 1, roundsOfOne),
        WaitLatency.measure(polled, originals, 1, roundsOfOne));
    row(name, String.format(Locale.ROOT, "%,d on %,d keys", MANY, MANY), read, WaitLatency.measure(store, originals, MANY, roundsOfMany),
        WaitLatency.measure(polled, originals, MANY, roundsOfMany));
    row(name, String.format(Locale.ROOT, "%,d on 1 key", MANY), read, WaitLatency.measure(store, originals, MANY, roundsOfMany, true),
        WaitLatency.measure(polled, originals, MANY, roundsOfMany, true));
  }

  private static void row(String name, Object waiters, WaitLatency.Percentiles read,
      WaitLatency.Percentiles signalled, WaitLatency.Percentiles polled) {
    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %.1f / %.1f |%n", name, waiters, read.format(),
        signalled.format(), polled.format(), signalled.readsPerWaiter(), polled.readsPerWaiter());
  }
}
