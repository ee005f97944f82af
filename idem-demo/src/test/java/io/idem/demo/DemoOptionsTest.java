package io.idem.demo;

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

  @Test
  void badEnvironmentVariableExitsWithStatus2() {
    DemoMain.StartResult result = run(Map.of("IDEM_RETENTION", "forever"));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--retention must be a duration");
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
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("could not start").doesNotContain("secret");
  }

  @Test
  void portZeroStartsOnAFreePortAndServesHealth() throws Exception {
    DemoMain.StartResult result = run(Map.of(), "--port", "0");
    try (DemoServer server = result.server()) {
      assertThat(new DemoClient(server.port()).get(null, "/healthz").statusCode()).isEqualTo(200);
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("http://localhost:" + server.port());
    }
  }
}
