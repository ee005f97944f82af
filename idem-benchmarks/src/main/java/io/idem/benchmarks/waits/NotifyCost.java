package io.idem.benchmarks.waits;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.jdbc.JdbcStore;
import io.idem.testservers.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code pg_notify} in the complete statement costs PostgreSQL (decision 0210), measured in one
 * run on one server, with nobody listening (the cost every completion pays), alternating rounds:
 * <ol>
 *   <li>auto-committed updates per second of one row per client, by 1 and 16 clients, as a plain
 *       {@code UPDATE} and as {@code WITH changed AS (UPDATE .. RETURNING 1) SELECT pg_notify(..) FROM
 *       changed};</li>
 *   <li>reserve + complete pairs per second of {@link JdbcStore}, fresh key each pair, with
 *       {@code notifyWaiters} on (the default) and off.</li>
 * </ol>
 *
 * <pre>java -cp idem-benchmarks/target/idem-benchmarks.jar io.idem.benchmarks.waits.NotifyCost [seconds]</pre>
 */
public final class NotifyCost {

  private static final String PLAIN = "UPDATE notify_cost SET n = n + 1 WHERE id = ?";
  private static final String NOTIFYING = "WITH changed AS (" + PLAIN + " RETURNING 1)"
      + " SELECT pg_notify('idem_notify_cost', ?) FROM changed";

  private static final Fingerprint FINGERPRINT = Fingerprint.of("pay");
  private static final byte[] RESULT = new byte[49];

  private NotifyCost() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    try (PostgresServer server = PostgresServer.start()) {
      try (Connection c = DriverManager.getConnection(server.url()); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE notify_cost (id INT PRIMARY KEY, n BIGINT NOT NULL)");
        s.execute("INSERT INTO notify_cost SELECT g, 0 FROM generate_series(0, 63) g");
      }
      System.out.println("| clients | plain UPDATE per s | with pg_notify per s | ratio |");
      System.out.println("|---:|---:|---:|---:|");
      for (int clients : new int[] {1, 16}) {
        run(server.url(), false, clients, 1); // warm-up
        run(server.url(), true, clients, 1);
        double plain = 0;
        double notifying = 0;
        for (int round = 0; round < 3; round++) {
          plain += run(server.url(), false, clients, seconds);
          notifying += run(server.url(), true, clients, seconds);
        }
        System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2f |%n", clients, plain / 3, notifying / 3,
            notifying / plain);
      }
      System.out.println();
      System.out.println("| clients | store pairs per s, notifyWaiters(false) | notifyWaiters(true) | ratio |");
      System.out.println("|---:|---:|---:|---:|");
      try (JdbcStore quiet = JdbcStore.builder(server.url()).createIfMissing(true).notifyWaiters(false)
          .poolSize(16).build();
          JdbcStore notifying = JdbcStore.builder(server.url()).notifyWaiters(true).poolSize(16).build()) {
        for (int clients : new int[] {1, 16}) {
          pairs(quiet, clients, 1); // warm-up
          pairs(notifying, clients, 1);
          double off = 0;
          double on = 0;
          for (int round = 0; round < 3; round++) {
            off += pairs(quiet, clients, seconds);
            on += pairs(notifying, clients, seconds);
          }
          System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2f |%n", clients, off / 3, on / 3, on / off);
        }
      }
    }
  }

  private static double pairs(JdbcStore store, int clients, int seconds) throws Exception {
    String namespace = "notify-" + UUID.randomUUID();
    return load(clients, seconds, id -> {
      IdempotencyKey key = IdempotencyKey.of(namespace, UUID.randomUUID().toString());
      LeaseToken token = LeaseToken.random();
      store.reserve(key, FINGERPRINT, token, Duration.ofMinutes(1));
      store.complete(key, token, RESULT, Duration.ofMinutes(1));
    });
  }

  @FunctionalInterface
  private interface Operation {
    void run(int client) throws Exception;
  }

  /** Runs {@code operation} in a loop on {@code clients} threads for {@code seconds}: operations per second. */
  private static double load(int clients, int seconds, Operation operation) throws Exception {
    LongAdder done = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(clients);
    List<Exception> failures = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int client = i;
      Thread thread = new Thread(() -> {
        try {
          while (!stop.get()) {
            operation.run(client);
            done.increment();
          }
        } catch (Exception e) {
          synchronized (failures) {
            failures.add(e);
          }
        } finally {
          finished.countDown();
        }
      });
      thread.start();
    }
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    finished.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    return done.sum() / elapsed;
  }

  private static double run(String url, boolean notify, int clients, int seconds) throws Exception {
    Connection[] connections = new Connection[clients];
    PreparedStatement[] statements = new PreparedStatement[clients];
    try {
      for (int i = 0; i < clients; i++) {
        connections[i] = DriverManager.getConnection(url);
        statements[i] = connections[i].prepareStatement(notify ? NOTIFYING : PLAIN);
        statements[i].setInt(1, i);
        if (notify) {
          statements[i].setString(2, "ns/tenant/key-" + i);
        }
      }
      return load(clients, seconds, client -> {
        if (notify) {
          try (ResultSet changed = statements[client].executeQuery()) {
            changed.next();
          }
        } else {
          statements[client].executeUpdate();
        }
      });
    } finally {
      for (Connection connection : connections) {
        if (connection != null) {
          connection.close();
        }
      }
    }
  }
}
