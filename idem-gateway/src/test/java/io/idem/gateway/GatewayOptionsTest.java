package io.idem.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayOptionsTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private GatewayMain.StartResult run(Map<String, String> env, String... args) {
    return GatewayMain.start(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void theDocumentedCommandLineIsReadFlagByFlag() throws Exception {
    GatewayOptions options = GatewayOptions.parse(new String[] {"--port", "8080", "--upstream", "http://127.0.0.1:9000",
        "--store", "redis://127.0.0.1:6379", "--lease", "60s", "--retention", "24h", "--require-key", "/payments",
        "--require-key=/refunds", "--route", "/orders=http://127.0.0.1:9001", "--admin-port", "9090",
        "--upstream-timeout", "5s", "--namespace", "shop", "--connections-per-client", "256"}, Map.of());

    assertThat(options.port()).isEqualTo(8080);
    assertThat(options.upstream()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(options.store()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(options.lease()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(options.requireKey()).containsExactly("/payments", "/refunds");
    assertThat(options.routes()).containsExactly(new Route("/orders", URI.create("http://127.0.0.1:9001")));
    assertThat(options.tenant()).isEqualTo(new TenantScope.AuthorizationHash());
    assertThat(options.adminPort()).isEqualTo(9090);
    assertThat(options.upstreamTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.namespace()).isEqualTo("shop");
    assertThat(options.connectionsPerClient()).isEqualTo(256);
  }

  @Test
  void onlyTheUpstreamIsRequiredAndTheRestHasDefaults() throws Exception {
    GatewayOptions options = GatewayOptions.parse(new String[] {"--upstream", "http://127.0.0.1:9000/"}, Map.of());

    assertThat(options).isEqualTo(GatewayOptions.defaults(URI.create("http://127.0.0.1:9000")));
  }

  @Test
  void everyFlagHasAnEnvironmentVariableAndAFlagWinsOverIt() throws Exception {
    GatewayOptions options = GatewayOptions.parse(new String[] {"--port", "7070"}, Map.ofEntries(
        Map.entry("IDEM_PORT", "6060"), Map.entry("IDEM_UPSTREAM", "https://api.internal:8443/base"),
        Map.entry("IDEM_STORE", "memory:"), Map.entry("IDEM_REQUIRE_KEY", "/payments, /refunds"),
        Map.entry("IDEM_ROUTE", "/a=http://h:1,/b=http://h:2"), Map.entry("IDEM_TENANT_HEADER", "X-Tenant"),
        Map.entry("IDEM_ADMIN_PORT", "9091"), Map.entry("IDEM_LEASE", "2s"), Map.entry("IDEM_RETENTION", "1h"),
        Map.entry("IDEM_UPSTREAM_TIMEOUT", "1m"), Map.entry("IDEM_NAMESPACE", "api")));

    assertThat(options.port()).isEqualTo(7070);
    assertThat(options.upstream()).isEqualTo(URI.create("https://api.internal:8443/base"));
    assertThat(options.requireKey()).containsExactly("/payments", "/refunds");
    assertThat(options.routes()).extracting(Route::prefix).containsExactly("/a", "/b");
    assertThat(options.tenant()).isEqualTo(new TenantScope.Header("X-Tenant"));
    assertThat(options.adminPort()).isEqualTo(9091);
    assertThat(options.lease()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.upstreamTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(options.namespace()).isEqualTo("api");
  }

  @Test
  void tenantNoneIsOneScopeForEveryone() throws Exception {
    GatewayOptions options = GatewayOptions.parse(new String[] {"--upstream", "http://h:1", "--tenant", "none"},
        Map.of());

    assertThat(options.tenant()).isEqualTo(new TenantScope.None());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--port 8080                                 | --upstream is required",
      "--upstream ftp://h:1                        | an upstream must be a URL",
      "--upstream http://h:1?x=1                   | an upstream must be a URL",
      "--upstream http://h:1 --port abc            | --port must be a number",
      "--upstream http://h:1 --port                | --port needs a value",
      "--upstream http://h:1 --lease 5x            | --lease must be a duration",
      "--upstream http://h:1 --lease 0ms           | --lease must be at least 1ms",
      "--upstream http://h:1 --retention 1s --lease 2s | is shorter than --lease",
      "--upstream http://h:1 --store mongodb://x   | a store URI must be one of memory:",
      "--upstream http://h:1 --require-key payments | must start with '/'",
      "--upstream http://h:1 --route /a            | --route must be PREFIX=URL",
      "--upstream http://h:1 --route a=http://h:2  | a route prefix must start with '/'",
      "--upstream http://h:1 --tenant principal    | --tenant must be authorization or none",
      "--upstream http://h:1 --tenant none --tenant-header X-T | not both",
      "--upstream http://h:1 --port 9000 --admin-port 9000 | --admin-port must differ",
      "--upstream http://h:1 --port 1 --port 2     | --port was given twice",
      "--upstream http://h:1 --connections-per-client 0 | --connections-per-client must be a whole number",
      "--upstream http://h:1 --verbose             | unknown option --verbose"})
  void aBadFlagExitsWithStatus2AndAClearMessageWithoutStackTrace(String args, String message) {
    GatewayMain.StartResult result = run(Map.of(), args.trim().split("\\s+"));

    assertThat(result.server()).isNull();
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(message)
        .contains("usage: java -jar idem-gateway.jar").doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void helpPrintsEveryFlagAndExitsWithStatus0() {
    GatewayMain.StartResult result = run(Map.of(), "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--upstream", "--port", "--store", "--lease",
        "--retention", "--require-key", "--route", "--tenant", "--tenant-header", "--admin-port", "--upstream-timeout",
        "--namespace", "--connections-per-client", "IDEM_UPSTREAM", "IDEM_REQUIRE_KEY");
  }

  @Test
  void anUnreachableStoreStopsTheStartWithStatus1() {
    GatewayMain.StartResult result = run(Map.of(), "--upstream", "http://127.0.0.1:9", "--port", "0",
        "--store", "redis://:hunter2@127.0.0.1:1");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("could not start").contains("127.0.0.1:1")
        .doesNotContain("hunter2");
  }

  @Test
  void theStartLineNamesThePortsTheUpstreamAndTheStore() throws Exception {
    GatewayMain.StartResult result = run(Map.of("IDEM_ADMIN_PORT", "0"), "--upstream", "http://127.0.0.1:9",
        "--port", "0");
    try (GatewayServer server = result.server()) {
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("Idem gateway on http://localhost:" + server.port())
          .contains("-> http://127.0.0.1:9").contains("store memory:").contains("admin on port " + server.adminPort());
      assertThat(List.of(server.port(), server.adminPort())).doesNotHaveDuplicates();
    }
  }
}
