package io.idem.benchmarks.nats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used so far by this JVM (all threads) and, on Linux, by the nats-server the driver started.
 * On a machine that other work crowds, CPU per unit scatters far less than units per second.
 */
final class CpuClock {

  /** Linux's USER_HZ: the unit of the times in {@code /proc/<pid>/stat}. */
  private static final long TICKS_PER_SECOND = 100;

  private final long serverPid;

  /** @param serverPid the server process to account, or -1 for none (a server the driver did not start) */
  CpuClock(long serverPid) {
    this.serverPid = serverPid;
  }

  long clientNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The server's user + system time, or -1 when it is not known. */
  long serverNanos() {
    if (serverPid < 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(serverPid), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces: utime is 14th, stime 15th.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
