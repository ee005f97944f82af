package io.idem.demo;

import io.idem.storeuri.Durations;
import io.idem.storeuri.StoreUri;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

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
      throw new IllegalArgumentException("retention (" + Durations.format(retention) + ") must be at least the lease ("
          + Durations.format(lease) + ")");
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

  /** A raw value and where it came from ({@code --lease} or {@code IDEM_LEASE}), for messages. */
  private record Setting(String source, String value) {
    static Setting fromEnv(Map<String, String> env, String variable) {
      String value = env.get(variable);
      return value == null ? null : new Setting(variable, value);
    }
  }

  /** Reads flags over environment variables; {@code null} means {@code --help} was asked for. */
  static DemoOptions parse(String[] args, Map<String, String> env) throws UsageException {
    Setting port = Setting.fromEnv(env, "IDEM_PORT");
    Setting store = Setting.fromEnv(env, "IDEM_STORE");
    Setting lease = Setting.fromEnv(env, "IDEM_LEASE");
    Setting retention = Setting.fromEnv(env, "IDEM_RETENTION");
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
    Duration leaseDuration = lease == null ? DEFAULT_LEASE : duration(lease.source(), lease.value());
    Duration retentionDuration = retention == null
        ? DEFAULT_RETENTION : duration(retention.source(), retention.value());
    if (retentionDuration.compareTo(leaseDuration) < 0) {
      throw new UsageException(describe(retention, "the retention", retentionDuration) + " is shorter than "
          + describe(lease, "the lease", leaseDuration)
          + ": a response must be kept at least as long as a request may run");
    }
    return new DemoOptions(port == null ? DEFAULT_PORT : port(port), store == null ? DEFAULT_STORE : store(store),
        leaseDuration, retentionDuration);
  }

  /** {@code --lease 2s}, {@code IDEM_LEASE=2s}, or {@code the lease (60s by default)}. */
  private static String describe(Setting setting, String what, Duration value) {
    if (setting == null) {
      return what + " (" + Durations.format(value) + " by default)";
    }
    return setting.source().startsWith("--") ? setting.source() + " " + setting.value().trim()
        : setting.source() + "=" + setting.value().trim();
  }

  private static Setting required(String name, String value) throws UsageException {
    if (value == null || value.isBlank()) {
      throw new UsageException(name + " needs a value");
    }
    return new Setting(name, value.trim());
  }

  private static int port(Setting setting) throws UsageException {
    try {
      int port = Integer.parseInt(setting.value().trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below with the value
    }
    throw new UsageException(setting.source() + " must be a number from 0 to 65535, was \"" + setting.value() + "\"");
  }

  private static String store(Setting setting) throws UsageException {
    try {
      return StoreUri.check(setting.value());
    } catch (IllegalArgumentException e) {
      throw new UsageException(setting.source() + " must be one of " + StoreUri.FORMS + ", was \""
          + StoreUri.redact(setting.value()) + "\"");
    }
  }

  static Duration duration(String name, String value) throws UsageException {
    Duration duration = Durations.parse(value);
    if (duration == null) {
      throw new UsageException(name + " must be " + Durations.FORM + ", was \"" + value + "\"");
    }
    if (duration.toMillis() < 1) {
      throw new UsageException(name + " must be at least 1ms, was \"" + value + "\"");
    }
    return duration;
  }
}
