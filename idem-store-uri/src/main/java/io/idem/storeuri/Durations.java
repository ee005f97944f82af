package io.idem.storeuri;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the command lines of Idem's demo and gateway spell them ({@code 500ms}, {@code 2s},
 * {@code 5m}, {@code 24h}, {@code 1d}), both ways: what they print can be pasted back into a flag.
 */
public final class Durations {

  /** How a usage message describes the form. */
  public static final String FORM = "a duration like 500ms, 2s, 5m, 24h or 1d";

  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
  private static final String[] UNITS = {"d", "h", "m", "s", "ms"};
  private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};

  private Durations() {}

  /** The duration, or null when {@code text} is not one. */
  public static Duration parse(String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /**
   * The largest unit that holds the duration exactly, except that one minute, hour or day reads as
   * {@code 60s}, {@code 60m}, {@code 24h}, as the defaults are documented: {@code 90s}, {@code 2m},
   * {@code 24h}, {@code 1500ms}. Below a millisecond is rounded down (flags cannot say less).
   */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    for (int i = 0; i < UNITS.length - 1; i++) {
      if (millis > 0 && millis % UNIT_MILLIS[i] == 0) {
        long amount = millis / UNIT_MILLIS[i];
        boolean oneOfABigUnit = amount == 1 && !UNITS[i].equals("s");
        return oneOfABigUnit ? UNIT_MILLIS[i] / UNIT_MILLIS[i + 1] + UNITS[i + 1] : amount + UNITS[i];
      }
    }
    return millis + "ms";
  }
}
