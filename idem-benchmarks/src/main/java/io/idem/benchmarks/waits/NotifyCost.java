package io.idem.benchmarks.waits;

import io.idem.testservers.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code pg_notify} in the complete statement costs PostgreSQL (decision 0210), measured in one
 * run on one server: auto-committed updates per second of one row per client, by 1 and 16 clients,
 * as a plain {@code UPDATE} and as the store's {@code WITH changed AS (UPDATE .. RETURNING 1) SELECT
 * pg_notify(..) FROM changed}, alternating, with nobody listening (the cost every completion pays).
 *
 * <pre>java -cp idem-benchmarks/target/idem-benchmarks.jar io.idem.benchmarks.waits.NotifyCost [seconds]</pre>
 */
public final class NotifyCost {

  private static final String PLAIN = "UPDATE notify_cost SET n = n + 1 WHERE id = ?";
  private static final String NOTIFYING = "WITH changed AS (" + PLAIN + " RETURNING 1)"
      + " SELECT pg_notify('idem_notify_cost', ?) FROM changed";

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
    }
  }

  private static double run(String url, boolean notify, int clients, int seconds) throws Exception {
    LongAdder done = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(clients);
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int id = i;
      Thread thread = new Thread(() -> {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement p = c.prepareStatement(notify ? NOTIFYING : PLAIN)) {
          p.setInt(1, id);
          if (notify) {
            p.setString(2, "ns/tenant/key-" + id);
          }
          while (!stop.get()) {
            if (notify) {
              try (ResultSet r = p.executeQuery()) {
                r.next();
              }
            } else {
              p.executeUpdate();
            }
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
      threads.add(thread);
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
}
