package io.idem.gateway;

import io.idem.IdempotencyKey;
import io.idem.InvalidKeyException;
import io.idem.jetty.ServerLimits;
import io.idem.storeuri.StoreUri;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The gateway's command line; every flag has an environment variable ({@code --upstream} and
 * {@code IDEM_UPSTREAM}), and a flag wins over its variable. {@link #USAGE} lists them all.
 *
 * @param adminPort the port of {@code /healthz} and {@code /metrics}; -1 when there is none
 * @param connectionsPerClient open connections one client address may hold (behind a load balancer every
 *     client shares its address)
 */
public record GatewayOptions(int port, URI upstream, List<Route> routes, String store, Duration lease,
    Duration retention, List<String> requireKey, TenantScope tenant, int adminPort, Duration upstreamTimeout,
    String namespace, int connectionsPerClient) {

  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_STORE = "memory:";
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
  public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(30);
  public static final String DEFAULT_NAMESPACE = "gateway";
  public static final int NO_ADMIN_PORT = -1;
  public static final int DEFAULT_CONNECTIONS_PER_CLIENT = ServerLimits.ofDefaults().maxConnectionsPerClient();

  static final String USAGE = String.join("\n",
      "usage: java -jar idem-gateway.jar --upstream URL [options]",
      "  --upstream URL          where requests go, e.g. http://127.0.0.1:9000 (env IDEM_UPSTREAM; required)",
      "  --port N                HTTP port, 0 picks a free one (env IDEM_PORT, default 8080)",
      "  --store URI             " + StoreUri.FORMS,
      "                          (env IDEM_STORE, default memory:)",
      "  --lease DURATION        how long a running request holds its key, e.g. 500ms, 2s, 1m (env IDEM_LEASE, default 60s)",
      "  --retention DURATION    how long a response is kept for replay (env IDEM_RETENTION, default 24h)",
      "  --require-key PREFIX    POST/PATCH at or below this path must send Idempotency-Key; repeatable",
      "                          (env IDEM_REQUIRE_KEY, comma-separated; default none)",
      "  --route PREFIX=URL      send this path prefix to another upstream; repeatable, longest prefix wins",
      "                          (env IDEM_ROUTE, comma-separated)",
      "  --tenant MODE           authorization: a SHA-256 of the Authorization header scopes keys (default);",
      "                          none: one scope for all clients (env IDEM_TENANT)",
      "  --tenant-header NAME    scope keys by this header, set by an auth layer in front (env IDEM_TENANT_HEADER)",
      "  --admin-port N          serve /healthz and /metrics (Prometheus) on this port (env IDEM_ADMIN_PORT; default off)",
      "  --upstream-timeout D    how long a client waits for the upstream to begin answering (env IDEM_UPSTREAM_TIMEOUT,",
      "                          default 30s); a late answer is still kept for retries",
      "  --namespace NAME        the namespace of stored keys, to share a store between services (env IDEM_NAMESPACE,",
      "                          default gateway)",
      "  --connections-per-client N  open connections one client address may hold; raise it behind a load",
      "                          balancer (env IDEM_CONNECTIONS_PER_CLIENT, default " + DEFAULT_CONNECTIONS_PER_CLIENT + ")",
      "  --help                  print this and exit");

  private static final Set<String> FLAGS = Set.of("port", "upstream", "route", "store", "lease", "retention",
      "require-key", "tenant", "tenant-header", "admin-port", "upstream-timeout", "namespace",
      "connections-per-client");
  private static final Set<String> REPEATABLE = Set.of("require-key", "route");

  public GatewayOptions {
    Objects.requireNonNull(upstream, "upstream");
    routes = List.copyOf(routes);
    requireKey = List.copyOf(requireKey);
    Objects.requireNonNull(tenant, "tenant");
    if (connectionsPerClient < 1) {
      throw new IllegalArgumentException("--connections-per-client must be at least 1, was " + connectionsPerClient);
    }
    if (retention.compareTo(lease) < 0) {
      throw new IllegalArgumentException("retention (" + retention + ") must be at least the lease (" + lease + ")");
    }
    for (String prefix : requireKey) {
      if (!prefix.startsWith("/")) {
        throw new IllegalArgumentException("a --require-key prefix must start with '/', was \"" + prefix + "\"");
      }
    }
  }

  /** The defaults in front of {@code upstream}, for tests and embedding. */
  public static GatewayOptions defaults(URI upstream) {
    return new GatewayOptions(DEFAULT_PORT, upstream, List.of(), DEFAULT_STORE, DEFAULT_LEASE, DEFAULT_RETENTION,
        List.of(), new TenantScope.AuthorizationHash(), NO_ADMIN_PORT, DEFAULT_UPSTREAM_TIMEOUT, DEFAULT_NAMESPACE,
        DEFAULT_CONNECTIONS_PER_CLIENT);
  }

  public GatewayOptions withPort(int newPort) {
    return new GatewayOptions(newPort, upstream, routes, store, lease, retention, requireKey, tenant, adminPort,
        upstreamTimeout, namespace, connectionsPerClient);
  }

  public GatewayOptions withStore(String newStore) {
    return new GatewayOptions(port, upstream, routes, newStore, lease, retention, requireKey, tenant, adminPort,
        upstreamTimeout, namespace, connectionsPerClient);
  }

  public GatewayOptions withConnectionsPerClient(int connections) {
    return new GatewayOptions(port, upstream, routes, store, lease, retention, requireKey, tenant, adminPort,
        upstreamTimeout, namespace, connections);
  }

  public GatewayOptions withAdminPort(int newAdminPort) {
    return new GatewayOptions(port, upstream, routes, store, lease, retention, requireKey, tenant, newAdminPort,
        upstreamTimeout, namespace, connectionsPerClient);
  }

  /** Reads flags over environment variables; {@code null} means {@code --help} was asked for. */
  static GatewayOptions parse(String[] args, Map<String, String> env) throws CommandLine.UsageException {
    CommandLine line = CommandLine.parse(args, env, FLAGS, REPEATABLE);
    if (line.helpAsked()) {
      return null;
    }
    try {
      String upstream = line.value("upstream", null);
      if (upstream == null) {
        throw new CommandLine.UsageException("--upstream is required: the URL of the service behind the gateway");
      }
      Duration lease = line.duration("lease", DEFAULT_LEASE);
      Duration retention = line.duration("retention", DEFAULT_RETENTION);
      if (retention.compareTo(lease) < 0) {
        throw new CommandLine.UsageException("--retention " + retention + " is shorter than --lease " + lease
            + ": a response must be kept at least as long as a request may run");
      }
      int port = line.port("port", DEFAULT_PORT);
      int adminPort = line.port("admin-port", NO_ADMIN_PORT);
      if (line.has("admin-port") && adminPort == port && port != 0) {
        throw new CommandLine.UsageException("--admin-port must differ from --port (" + port + ")");
      }
      return new GatewayOptions(port, Route.upstream(upstream), routes(line.all("route")),
          StoreUri.check(line.value("store", DEFAULT_STORE)), lease, retention, line.all("require-key"),
          tenant(line), adminPort, line.duration("upstream-timeout", DEFAULT_UPSTREAM_TIMEOUT),
          namespace(line.value("namespace", DEFAULT_NAMESPACE)),
          line.count("connections-per-client", DEFAULT_CONNECTIONS_PER_CLIENT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.UsageException(e.getMessage());
    }
  }

  private static List<Route> routes(List<String> specs) throws CommandLine.UsageException {
    List<Route> routes = new ArrayList<>();
    for (String spec : specs) {
      int equals = spec.indexOf('=');
      if (equals < 1) {
        throw new CommandLine.UsageException("--route must be PREFIX=URL, e.g. /orders=http://127.0.0.1:9001, was \""
            + spec + "\"");
      }
      routes.add(new Route(spec.substring(0, equals).trim(), Route.upstream(spec.substring(equals + 1))));
    }
    return routes;
  }

  private static TenantScope tenant(CommandLine line) throws CommandLine.UsageException {
    if (line.has("tenant-header")) {
      if (line.has("tenant")) {
        throw new CommandLine.UsageException("give --tenant or --tenant-header, not both");
      }
      return new TenantScope.Header(line.value("tenant-header", null));
    }
    return TenantScope.named(line.value("tenant", "authorization"));
  }

  private static String namespace(String namespace) {
    try {
      IdempotencyKey.validateNamespace(namespace);
      return namespace;
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("--namespace: " + e.getMessage());
    }
  }
}
