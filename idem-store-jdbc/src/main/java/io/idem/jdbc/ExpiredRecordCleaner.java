package io.idem.jdbc;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A daemon thread that deletes expired rows every interval. Expired rows are already invisible to
 * every operation, so the cleanup only reclaims space; a failed run is logged and retried on the next
 * tick.
 */
final class ExpiredRecordCleaner implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ExpiredRecordCleaner.class.getName());

  private final ScheduledExecutorService executor;

  ExpiredRecordCleaner(JdbcStore store, Duration interval, int batchSize) {
    this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "idem-jdbc-cleanup");
      thread.setDaemon(true);
      return thread;
    });
    long millis = interval.toMillis();
    executor.scheduleWithFixedDelay(() -> run(store, batchSize), millis, millis, TimeUnit.MILLISECONDS);
  }

  private static void run(JdbcStore store, int batchSize) {
    try {
      long deleted = store.deleteExpired(batchSize);
      if (deleted > 0) {
        LOG.log(Level.DEBUG, () -> "deleted " + deleted + " expired rows from " + store.table());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Idem: deleting expired rows from " + store.table() + " failed; it is retried next "
          + "interval. Expired rows are never served meanwhile, but the table grows: check the database and the "
          + "store's permissions (DELETE on the table).", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
