package io.idem.benchmarks.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time, busy and in all, from Linux's {@code /proc/stat}: with the load
 * generator, the server and the store's server on the same cores, it shows whether the machine was
 * saturated and what a request costs all of them together, not only this JVM.
 */
record MachineCpu(long busyNanos, long totalNanos) {

  /** Linux's USER_HZ: the unit of the times in {@code /proc/stat}. */
  private static final long TICKS_PER_SECOND = 100;
  private static final MachineCpu UNKNOWN = new MachineCpu(-1, -1);

  /** Now; {@link #known()} is false off Linux. */
  static MachineCpu now() {
    try {
      // "cpu  user nice system idle iowait irq softirq steal guest guest_nice": guest time is already in user.
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i <= 8 && i < fields.length; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
      return new MachineCpu(toNanos(total - idle), toNanos(total));
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  boolean known() {
    return totalNanos >= 0;
  }

  /** What the machine spent between {@code earlier} and this reading. */
  MachineCpu since(MachineCpu earlier) {
    return known() && earlier.known()
        ? new MachineCpu(busyNanos - earlier.busyNanos, totalNanos - earlier.totalNanos)
        : UNKNOWN;
  }

  /** The busy share of the interval, 0 to 1, or NaN when unknown. */
  double busyShare() {
    return known() && totalNanos > 0 ? (double) busyNanos / totalNanos : Double.NaN;
  }

  private static long toNanos(long ticks) {
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }
}
