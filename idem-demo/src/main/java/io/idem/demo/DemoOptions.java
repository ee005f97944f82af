package io.idem.demo;

import io.idem.storeuri.StoreUri;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's command line: {@code --port N}, {@code --store URI}, {@code --lease DURATION},
 * {@code --retention DURATION} (also as {@code --flag=value}), each with an environment variable
 * ({@code IDEM_PORT}, {@code IDEM_STORE}, {@code IDEM_LEASE}, {@code IDEM_RETENTION}); a flag wins
 * over its variable. Durations read like {@code 500ms}, {@code 2s}, {@code 5m}, {@code 24h}, {@code 1d}.
 */
public record DemoOptions(int port, String store, Duration lease, Duration retention) {

  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_STORE = "memory:";
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

  static final String USAGE = String.join("\n",
      "usage: java -jar idem-demo.jar [--port N] [--store URI] [--lease DURATION] [--retention DURATION]",
      "  --port N              HTTP port, 0 picks a free one (env IDEM_PORT, default 8080)",
      "  --store URI           memory: | redis://host:port | jdbc:postgresql://.. | jdbc:mariadb://.. | jdbc:mysql://..",
      "                        | nats://host:port",
      "                        (env IDEM_STORE, default memory:)",
      "  --lease DURATION      how long a running request holds its key, e.g. 500ms, 2s, 1m (env IDEM_LEASE, default 60s)",
      "  --retention DURATION  how long a response is kept for replay, e.g. 24h (env IDEM_RETENTION, default 24h)",
      "  --help                print this and exit");

  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

  /** A flag the demo cannot accept; {@link DemoMain} prints the message and exits with status 2. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  public DemoOptions {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (retention.compareTo(lease) < 0) {
      throw new IllegalArgumentException("retention (" + retention + ") must be at least the lease (" + lease + ")");
    }
  }

  /** The defaults, for tests and embedding. */
  public static DemoOptions defaults() {
    return new DemoOptions(DEFAULT_PORT, DEFAULT_STORE, DEFAULT_LEASE, DEFAULT_RETENTION);
  }

  public DemoOptions withPort(int newPort) {
    return new DemoOptions(newPort, store, lease, retention);
  }

  public DemoOptions withStore(String newStore) {
    return new DemoOptions(port, newStore, lease, retention);
  }

  /** Reads flags over environment variables; {@code null} means {@code --help} was asked for. */
  static DemoOptions parse(String[] args, Map<String, String> env) throws UsageException {
    String port = env.get("IDEM_PORT");
    String store = env.get("IDEM_STORE");
    String lease = env.get("IDEM_LEASE");
    String retention = env.get("IDEM_RETENTION");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      }
      String name = arg;
      String value;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        value = null;
      }
      switch (name) {
        case "--port" -> port = required(name, value);
        case "--store" -> store = required(name, value);
        case "--lease" -> lease = required(name, value);
        case "--retention" -> retention = required(name, value);
        default -> throw new UsageException("unknown option " + arg);
      }
    }
    Duration leaseDuration = lease == null ? DEFAULT_LEASE : duration("--lease", lease);
    Duration retentionDuration = retention == null ? DEFAULT_RETENTION : duration("--retention", retention);
    if (retentionDuration.compareTo(leaseDuration) < 0) {
      throw new UsageException("--retention " + retention + " is shorter than --lease " + lease
          + ": a response must be kept at least as long as a request may run");
    }
    return new DemoOptions(port == null ? DEFAULT_PORT : port(port), store == null ? DEFAULT_STORE : store(store),
        leaseDuration, retentionDuration);
  }

  private static String required(String name, String value) throws UsageException {
    if (value == null || value.isBlank()) {
      throw new UsageException(name + " needs a value");
    }
    return value.trim();
  }

  private static int port(String value) throws UsageException {
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below with the value
    }
    throw new UsageException("--port must be a number from 0 to 65535, was \"" + value + "\"");
  }

  private static String store(String value) throws UsageException {
    try {
      return StoreUri.check(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--store must be one of " + StoreUri.FORMS + ", was \"" + StoreUri.redact(value) + "\"");
    }
  }

  static Duration duration(String name, String value) throws UsageException {
    Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new UsageException(name + " must be a duration like 500ms, 2s, 5m, 24h or 1d, was \"" + value + "\"");
    }
    long amount = Long.parseLong(m.group(1));
    Duration duration = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
    if (duration.toMillis() < 1) {
      throw new UsageException(name + " must be at least 1ms, was \"" + value + "\"");
    }
    return duration;
  }
}
