package io.idem.gateway;

import io.idem.storeuri.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Flags ({@code --name value} or {@code --name=value}) over their environment-variable twins
 * ({@code --upstream-timeout} reads {@code IDEM_UPSTREAM_TIMEOUT}): a flag given on the command line
 * replaces its variable; a repeatable flag's variable holds comma-separated values.
 */
final class CommandLine {

  /** A flag the gateway cannot accept; {@link GatewayMain} prints the message and exits with status 2. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final boolean help;

  private CommandLine(Map<String, List<String>> values, boolean help) {
    this.values.putAll(values);
    this.help = help;
  }

  /**
   * @param known the flags the program takes, without {@code --}
   * @param repeatable those that may be given more than once
   */
  static CommandLine parse(String[] args, Map<String, String> env, Set<String> known, Set<String> repeatable)
      throws UsageException {
    Map<String, List<String>> fromArgs = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return new CommandLine(Map.of(), true);
      }
      int equals = arg.indexOf('=');
      String name = arg.startsWith("--") && equals > 0 ? arg.substring(2, equals) : arg.startsWith("--")
          ? arg.substring(2) : null;
      if (name == null || !known.contains(name)) {
        throw new UsageException("unknown option " + arg);
      }
      String value = equals > 0 ? arg.substring(equals + 1) : i + 1 < args.length ? args[++i] : null;
      if (value == null || value.isBlank()) {
        throw new UsageException("--" + name + " needs a value");
      }
      List<String> list = fromArgs.computeIfAbsent(name, n -> new ArrayList<>());
      if (!list.isEmpty() && !repeatable.contains(name)) {
        throw new UsageException("--" + name + " was given twice");
      }
      list.add(value.trim());
    }
    Map<String, List<String>> merged = new LinkedHashMap<>();
    for (String name : known) {
      String variable = env.get(variable(name));
      if (fromArgs.containsKey(name)) {
        merged.put(name, fromArgs.get(name));
      } else if (variable != null && !variable.isBlank()) {
        merged.put(name, repeatable.contains(name) ? split(variable) : List.of(variable.trim()));
      }
    }
    return new CommandLine(merged, false);
  }

  /** {@code upstream-timeout} reads {@code IDEM_UPSTREAM_TIMEOUT}. */
  static String variable(String flag) {
    return "IDEM_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  boolean helpAsked() {
    return help;
  }

  String value(String name, String fallback) {
    List<String> list = values.get(name);
    return list == null ? fallback : list.get(0);
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  int port(String name, int fallback) throws UsageException {
    return number(name, fallback, 0, 65535, "a number from 0 to 65535");
  }

  /** A positive whole number. */
  int count(String name, int fallback) throws UsageException {
    return number(name, fallback, 1, Integer.MAX_VALUE, "a whole number of at least 1");
  }

  private int number(String name, int fallback, int min, int max, String expected) throws UsageException {
    String text = value(name, null);
    if (text == null) {
      return fallback;
    }
    try {
      int number = Integer.parseInt(text);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below with the value
    }
    throw new UsageException("--" + name + " must be " + expected + ", was \"" + text + "\"");
  }

  /** {@code 500ms}, {@code 2s}, {@code 5m}, {@code 24h}, {@code 1d}. */
  Duration duration(String name, Duration fallback) throws UsageException {
    String text = value(name, null);
    if (text == null) {
      return fallback;
    }
    Duration duration = Durations.parse(text);
    if (duration == null) {
      throw new UsageException("--" + name + " must be " + Durations.FORM + ", was \"" + text + "\"");
    }
    if (duration.toMillis() < 1) {
      throw new UsageException("--" + name + " must be at least 1ms, was \"" + text + "\"");
    }
    return duration;
  }

  private static List<String> split(String variable) {
    List<String> list = new ArrayList<>();
    for (String part : variable.split(",")) {
      if (!part.isBlank()) {
        list.add(part.trim());
      }
    }
    return list;
  }
}
