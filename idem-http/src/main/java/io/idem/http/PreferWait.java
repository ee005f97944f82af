package io.idem.http;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code wait} preference of RFC 7240 ({@code Prefer: wait=10}): how long a client is willing to
 * wait for an answer. A duplicate of a running request then waits for its result instead of getting
 * 409 at once, up to the configured cap.
 */
final class PreferWait {

  static final String HEADER = "Prefer";
  static final String APPLIED_HEADER = "Preference-Applied";

  private PreferWait() {}

  /**
   * The wait to honour: the client's {@code wait=N} seconds, capped at {@code max}; null when the
   * request prefers no wait, the value is not a number, or {@code max} is zero (preference ignored).
   */
  static Duration honoured(List<String> preferHeaders, Duration max) {
    if (max.isZero() || preferHeaders.isEmpty()) {
      return null;
    }
    for (String header : preferHeaders) {
      for (String preference : header.split(",")) {
        String token = preference.split(";", 2)[0].trim();
        int equals = token.indexOf('=');
        if (equals < 0 || !token.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("wait")) {
          continue;
        }
        String value = token.substring(equals + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
          return null; // not delta-seconds: ignored, as RFC 7240 asks of preferences a server cannot parse
        }
        Duration wanted = Duration.ofSeconds(Long.parseLong(value));
        return wanted.compareTo(max) > 0 ? max : wanted;
      }
    }
    return null;
  }
}
