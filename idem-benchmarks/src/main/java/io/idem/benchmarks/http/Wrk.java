package io.idem.benchmarks.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.sun.management.OperatingSystemMXBean;

/**
 * Runs {@code wrk} (Debian package {@code wrk}) with a Lua script that POSTs a small JSON body with a
 * fresh {@code Idempotency-Key} on every request, and reads its throughput, latency percentiles and
 * errors.
 */
final class Wrk {

  /** A slow answer is a latency, not an error: wrk's own default (2 s) would drop it from the percentiles. */
  static final String TIMEOUT = "10s";
  static final String BODY = "{\"item\":\"book-4711\",\"quantity\":1,\"currency\":\"EUR\"}";

  private static final Pattern REQUESTS_PER_SECOND = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
  private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private final Path script;
  private final int threads;

  /** {@code keyPrefix} keeps the keys of one run apart from those any earlier run left on a server. */
  Wrk(String keyPrefix, int threads) {
    this.threads = threads;
    this.script = writeScript(keyPrefix);
  }

  /**
   * What one wrk run measured. Latencies in milliseconds. {@code jvmCpuMicrosPerRequest} is the CPU
   * time of this JVM (the HTTP server, Idem, the store's client) over the run divided by the requests:
   * unlike throughput, it hardly depends on what else the machine runs.
   */
  record Result(double requestsPerSecond, double p50Millis, double p99Millis, long non2xx, long socketErrors,
      double jvmCpuMicrosPerRequest) {}

  Result run(String url, int connections, int seconds) {
    List<String> command = List.of("wrk", "-t", Integer.toString(Math.min(threads, connections)),
        "-c", Integer.toString(connections), "-d", seconds + "s", "--timeout", TIMEOUT, "--latency",
        "-s", script.toString(), url);
    long cpuBefore = OS.getProcessCpuTime();
    String output = exec(command);
    long cpuNanos = OS.getProcessCpuTime() - cpuBefore;
    double requests = number(REQUESTS, output, command);
    return new Result(number(REQUESTS_PER_SECOND, output, command), percentile(output, "50%"),
        percentile(output, "99%"), count(NON_2XX, output), socketErrors(output),
        cpuNanos / 1000.0 / Math.max(1, requests));
  }

  private static Path writeScript(String keyPrefix) {
    String lua = String.join("\n",
        "-- A fresh Idempotency-Key per request: thread number, then a counter, after the run's prefix.",
        "-- wrk.format replaces wrk.headers with the table it is given: it carries every header.",
        "wrk.method = \"POST\"",
        "wrk.body = '" + BODY + "'",
        "local headers = {[\"Content-Type\"] = \"application/json\"}",
        "local threads = 0",
        "function setup(thread)",
        "  threads = threads + 1",
        "  thread:set(\"thread_id\", threads)",
        "end",
        "function init(args)",
        "  counter = 0",
        "end",
        "function request()",
        "  counter = counter + 1",
        "  headers[\"Idempotency-Key\"] = \"" + keyPrefix + "-\" .. thread_id .. \"-\" .. counter",
        "  return wrk.format(nil, nil, headers)",
        "end",
        "");
    try {
      Path file = Files.createTempFile("idem-wrk-" + UUID.randomUUID(), ".lua");
      Files.writeString(file, lua, StandardCharsets.UTF_8);
      file.toFile().deleteOnExit();
      return file.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** wrk prints {@code 50%  412.00us}, {@code 99%   12.31ms} or {@code 99%    1.02s}. */
  private static double percentile(String output, String label) {
    Matcher m = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)\\b").matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no " + label + " latency in wrk's output:\n" + output);
    }
    double value = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> value / 1000;
      case "ms" -> value;
      default -> value * 1000;
    };
  }

  private static long count(Pattern pattern, String output) {
    Matcher m = pattern.matcher(output);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static long socketErrors(String output) {
    long errors = 0;
    Matcher socket = SOCKET_ERRORS.matcher(output);
    if (socket.find()) {
      for (int group = 1; group <= 4; group++) {
        errors += Long.parseLong(socket.group(group));
      }
    }
    return errors;
  }

  private static double number(Pattern pattern, String output, List<String> command) {
    Matcher m = pattern.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("unexpected output of " + String.join(" ", command) + ":\n" + output);
    }
    return Double.parseDouble(m.group(1));
  }

  private static String exec(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run wrk (Debian: apt-get install wrk)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "wrk -t %d --latency -s %s", threads, script);
  }
}
