package io.idem.benchmarks.waits;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The raw baseline of a signalled wait on PostgreSQL, with no Idem code: the time from a plain
 * autocommit {@code SELECT pg_notify(..)} until a session that {@code LISTEN}s, read with pgjdbc as
 * the store's listener reads, receives it; one at a time, and 1,000 sent one after another as fast as
 * the server takes them (as the originals complete in the 1,000-key rounds).
 */
final class RawNotifyLag {

  private static final String CHANNEL = "idem_raw_lag";

  private RawNotifyLag() {}

  /** {@code rounds} single notifications, then {@code burstRounds} bursts of {@code burst}. */
  static WaitLatency.Percentiles[] measure(String url, int rounds, int burst, int burstRounds) throws Exception {
    try (Connection listening = DriverManager.getConnection(url);
        Connection sending = DriverManager.getConnection(url)) {
      try (Statement listen = listening.createStatement()) {
        listen.execute("LISTEN " + CHANNEL);
      }
      PGConnection notifications = listening.unwrap(PGConnection.class);
      try (PreparedStatement notify = sending.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
        lags(notify, notifications, 1, 50); // warm-up
        long[] single = lags(notify, notifications, 1, rounds);
        long[] bursts = lags(notify, notifications, burst, burstRounds);
        return new WaitLatency.Percentiles[] {WaitLatency.Percentiles.of(single), WaitLatency.Percentiles.of(bursts)};
      }
    }
  }

  private static long[] lags(PreparedStatement notify, PGConnection notifications, int burst, int rounds)
      throws Exception {
    long[] lags = new long[burst * rounds];
    for (int round = 0; round < rounds; round++) {
      long[] sent = new long[burst];
      long[] received = new long[burst];
      CountDownLatch all = new CountDownLatch(1);
      Thread listener = new Thread(() -> {
        try {
          int heard = 0;
          while (heard < burst) {
            PGNotification[] batch = notifications.getNotifications(1_000);
            long at = System.nanoTime();
            if (batch != null) {
              for (PGNotification notification : batch) {
                received[Integer.parseInt(notification.getParameter())] = at;
                heard++;
              }
            }
          }
          all.countDown();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }, "raw-listener");
      listener.setDaemon(true);
      listener.start();
      for (int i = 0; i < burst; i++) {
        notify.setString(1, Integer.toString(i));
        sent[i] = System.nanoTime();
        notify.execute();
      }
      if (!all.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("notifications did not all arrive within 60 s");
      }
      listener.join();
      for (int i = 0; i < burst; i++) {
        lags[round * burst + i] = received[i] - sent[i];
      }
    }
    Arrays.sort(lags);
    return lags;
  }
}
