package io.idem.demo;

import io.idem.storeuri.Durations;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoOptionsTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private DemoMain.StartResult run(Map<String, String> env, String... args) {
    return DemoMain.start(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void noFlagsMeanPort8080MemoryStoreSixtySecondLeaseAndOneDayRetention() throws Exception {
    DemoOptions options = DemoOptions.parse(new String[0], Map.of());

    assertThat(options).isEqualTo(new DemoOptions(8080, "memory:", Duration.ofSeconds(60), Duration.ofHours(24)));
  }

  @Test
  void flagsInBothSpellingsAreRead() throws Exception {
    DemoOptions options = DemoOptions.parse(
        new String[] {"--port", "9090", "--store=redis://localhost:6379", "--lease", "500ms", "--retention=2h"}, Map.of());

    assertThat(options).isEqualTo(new DemoOptions(9090, "redis://localhost:6379", Duration.ofMillis(500),
        Duration.ofHours(2)));
  }

  @Test
  void environmentVariablesApplyAndFlagsWinOverThem() throws Exception {
    DemoOptions options = DemoOptions.parse(new String[] {"--port", "7070"},
        Map.of("IDEM_PORT", "6060", "IDEM_STORE", "jdbc:postgresql://db/idem", "IDEM_LEASE", "2s",
            "IDEM_RETENTION", "1d"));

    assertThat(options).isEqualTo(new DemoOptions(7070, "jdbc:postgresql://db/idem", Duration.ofSeconds(2),
        Duration.ofDays(1)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--port abc         | --port must be a number",
      "--port 70000       | --port must be a number",
      "--port             | --port needs a value",
      "--lease 5x         | --lease must be a duration",
      "--lease 0ms        | --lease must be at least 1ms",
      "--retention 1s --lease 2s | is shorter than --lease",
      "--store mongodb://x | --store must be one of memory:",
      "--verbose          | unknown option --verbose"})
  void badFlagExitsWithStatus2AndAClearMessageWithoutStackTrace(String args, String message) {
    DemoMain.StartResult result = run(Map.of(), args.trim().split("\\s+"));

    assertThat(result.server()).isNull();
    assertThat(result.exitCode()).isEqualTo(2);
    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains(message).contains("usage: java -jar idem-demo.jar").doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "IDEM_RETENTION | forever           | IDEM_RETENTION must be a duration",
      "IDEM_PORT      | abc               | IDEM_PORT must be a number from 0 to 65535, was \"abc\"",
      "IDEM_LEASE     | 0ms               | IDEM_LEASE must be at least 1ms",
      "IDEM_STORE     | mongodb://u:pw@db | IDEM_STORE must be one of memory:"})
  void badEnvironmentVariableExitsWithStatus2NamingTheVariable(String variable, String value, String message) {
    DemoMain.StartResult result = run(Map.of(variable, value));

    assertThat(result.exitCode()).isEqualTo(2);
    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains(message).doesNotContain("--" + variable.substring(5).toLowerCase() + " must")
        .doesNotContain(":pw@");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--retention 1s                 |                     | --retention 1s is shorter than the lease (60s by default)",
      "--retention 1s --lease 2s      |                     | --retention 1s is shorter than --lease 2s",
      "--lease 2d                     |                     | the retention (24h by default) is shorter than --lease 2d",
      "--lease 2m                     | IDEM_RETENTION=90s  | IDEM_RETENTION=90s is shorter than --lease 2m"})
  void retentionShorterThanTheLeaseNamesBothValuesAsGiven(String args, String env, String message) {
    Map<String, String> environment = env == null ? Map.of() : Map.of(env.split("=")[0], env.split("=")[1]);

    DemoMain.StartResult result = run(environment, args.trim().split("\\s+"));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(message).doesNotContain("null").doesNotContain("PT");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "500ms | 500ms", "1s | 1s", "60s | 60s", "1m | 60s", "90s | 90s", "2m | 2m", "1h | 60m", "24h | 24h",
      "1d | 24h", "48h | 2d", "1500ms | 1500ms", "36h | 36h"})
  void durationsArePrintedTheWayFlagsTakeThem(String flag, String printed) throws Exception {
    String formatted = Durations.format(DemoOptions.duration("--lease", flag));

    assertThat(formatted).isEqualTo(printed);
    assertThat(Durations.parse(formatted)).isEqualTo(Durations.parse(flag));
  }

  @Test
  void helpPrintsUsageAndExitsWithStatus0() {
    DemoMain.StartResult result = run(Map.of(), "--help");

    assertThat(result.server()).isNull();
    assertThat(result.exitCode()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--retention DURATION");
  }

  @Test
  void unreachableStoreExitsWithStatus1AndNamesTheStore() {
    DemoMain.StartResult result = run(Map.of(), "--port", "0", "--store",
        "jdbc:postgresql://127.0.0.1:1/idem?user=u&password=secret&connectTimeout=2");

    assertThat(result.server()).isNull();
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("could not start: cannot reach the store "
        + "jdbc:postgresql://127.0.0.1:1/idem?user=u&password=***&connectTimeout=2: connection refused")
        .doesNotContain("secret").doesNotContain("Exception");
  }

  @Test
  void unreachableRedisIsOneCleanLineWithThePasswordRedacted() {
    DemoMain.StartResult result = run(Map.of(), "--port", "0", "--store", "redis://:secret@127.0.0.1:1");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo("idem-demo: could not start: cannot reach the store redis://:***@127.0.0.1:1: connection refused");
  }

  @Test
  void portInUseExitsWithStatus1NamingThePort() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      DemoMain.StartResult result = run(Map.of(), "--port", Integer.toString(taken.getLocalPort()));

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo(
          "idem-demo: could not start: cannot listen on port " + taken.getLocalPort() + ": the address is already in use");
    }
  }

  @Test
  void portZeroStartsOnAFreePortAndServesHealth() throws Exception {
    DemoMain.StartResult result = run(Map.of(), "--port", "0");
    try (DemoServer server = result.server()) {
      assertThat(new DemoClient(server.port()).get(null, "/healthz").statusCode()).isEqualTo(200);
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("http://localhost:" + server.port())
          .contains("(store memory:, lease 60s, retention 24h)");
    }
  }
}
