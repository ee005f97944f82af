package io.idem.benchmarks.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Debian's {@code wrk} with a script that POSTs a small JSON body to {@code /payments} with a new
 * {@code Idempotency-Key} on every request (unique per run, thread and request), or to {@code /unkeyed}
 * without one, and reads its report.
 */
final class Wrk {

  /** What one run measured; {@code cpuMicrosPerRequest} is filled in by the caller, who knows the processes. */
  record Result(double requestsPerSecond, double p50Micros, double p99Micros, long requests, long errors,
      double cpuMicrosPerRequest) {

    Result withCpuMicrosPerRequest(double micros) {
      return new Result(requestsPerSecond, p50Micros, p99Micros, requests, errors, micros);
    }
  }

  private static final String SCRIPT = String.join("\n",
      "local threads = 0",
      "function setup(thread) threads = threads + 1; thread:set('tid', threads) end",
      "function init(args) prefix = args[1] .. '-' .. tid .. '-'; counter = 0; keyed = args[2] == 'keyed' end",
      "function request()",
      "  counter = counter + 1",
      "  local headers = {['Content-Type'] = 'application/json', ['Authorization'] = 'Bearer sk_test_bench'}",
      "  if keyed then headers['Idempotency-Key'] = prefix .. counter end",
      "  return wrk.format('POST', keyed and '/payments' or '/unkeyed', headers, '{\"amount\":100,\"currency\":\"eur\"}')",
      "end", "");

  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile(
      "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private final Path script;
  private int runs;

  Wrk() throws IOException {
    script = Files.createTempFile("idem-bench-wrk", ".lua");
    Files.writeString(script, SCRIPT);
    script.toFile().deleteOnExit();
  }

  /** {@code keyed}: POST /payments with a new key; otherwise POST /unkeyed without one (passes through). */
  Result run(int port, int connections, int seconds, boolean keyed) throws IOException, InterruptedException {
    String runId = ProcessHandle.current().pid() + "-" + (++runs) + "-" + System.nanoTime();
    Process process = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
        "-s", script.toString(), "http://127.0.0.1:" + port, "--", runId, keyed ? "keyed" : "unkeyed").redirectErrorStream(true).start();
    String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("wrk failed:\n" + report);
    }
    Matcher rate = RATE.matcher(report);
    if (!rate.find()) {
      throw new IOException("no Requests/sec in wrk's report:\n" + report);
    }
    long errors = 0;
    Matcher non2xx = NON_2XX.matcher(report);
    if (non2xx.find()) {
      errors += Long.parseLong(non2xx.group(1));
    }
    Matcher socket = SOCKET_ERRORS.matcher(report);
    if (socket.find()) {
      for (int group = 1; group <= 4; group++) {
        errors += Long.parseLong(socket.group(group));
      }
    }
    Matcher requests = REQUESTS.matcher(report);
    if (!requests.find()) {
      throw new IOException("no request count in wrk's report:\n" + report);
    }
    return new Result(Double.parseDouble(rate.group(1)), percentile(report, "50%"), percentile(report, "99%"),
        Long.parseLong(requests.group(1)), errors, 0);
  }

  /** wrk prints {@code 99%  3.16ms}: micro-, milli- or whole seconds. */
  private static double percentile(String report, String label) throws IOException {
    Matcher m = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([\\d.]+)(us|ms|s)").matcher(report);
    if (!m.find()) {
      throw new IOException("no " + label + " latency in wrk's report:\n" + report);
    }
    double value = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> value;
      case "ms" -> value * 1_000;
      default -> value * 1_000_000;
    };
  }
}
