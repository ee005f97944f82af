package io.idem.http;

import io.idem.IdempotencyKey;
import io.idem.InvalidKeyException;
import java.util.List;

/**
 * Reads the key header: an RFC 8941 sf-string ({@code "abc"}, with {@code \"} and {@code \\}
 * escapes) or, as most clients send it, a bare value ({@code 8e03978e-40d5-...}). A bare value is
 * taken as any run of visible ASCII without quotes or commas: a UUID starting with a digit is not an
 * RFC 8941 token, and refusing it would refuse most clients.
 */
final class KeyHeader {

  private KeyHeader() {}

  /** The key, validated like every {@link IdempotencyKey} key; {@link InvalidKeyException} says what is wrong. */
  static String parse(String headerName, List<String> values) {
    if (values.size() > 1) {
      throw new InvalidKeyException(headerName + " was sent " + values.size() + " times; send it once");
    }
    String value = trimOptionalWhitespace(values.get(0));
    if (value.isEmpty()) {
      throw new InvalidKeyException(headerName + " is empty");
    }
    String key = value.charAt(0) == '"' ? sfString(headerName, value) : bare(headerName, value);
    try {
      IdempotencyKey.validateKey(key);
    } catch (InvalidKeyException e) {
      throw new InvalidKeyException(headerName + ": " + e.getMessage());
    }
    return key;
  }

  private static String sfString(String headerName, String value) {
    StringBuilder key = new StringBuilder(value.length());
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        if (i + 1 == value.length()) {
          throw new InvalidKeyException(headerName + " ends inside an escape");
        }
        char escaped = value.charAt(++i);
        if (escaped != '"' && escaped != '\\') {
          throw new InvalidKeyException(headerName + " has the escape \\" + escaped + " at index " + (i - 1)
              + "; an sf-string allows only \\\" and \\\\");
        }
        key.append(escaped);
      } else if (c == '"') {
        if (i + 1 != value.length()) {
          throw new InvalidKeyException(headerName + " has characters after the closing quote at index " + (i + 1)
              + "; parameters and lists are not accepted");
        }
        return key.toString();
      } else if (c < 0x20 || c > 0x7e) {
        throw new InvalidKeyException(headerName + String.format(" has character U+%04X", (int) c) + " at index " + i
            + "; an sf-string holds printable ASCII only");
      } else {
        key.append(c);
      }
    }
    throw new InvalidKeyException(headerName + " opens a quoted string but never closes it");
  }

  private static String bare(String headerName, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        throw new InvalidKeyException(headerName + " has a quote at index " + i
            + "; quote the whole key as an sf-string or not at all");
      }
      if (c == ',') {
        throw new InvalidKeyException(headerName + " holds a list (comma at index " + i
            + "); send one key, quoted as an sf-string if it contains a comma");
      }
    }
    return value;
  }

  private static String trimOptionalWhitespace(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isOws(value.charAt(start))) {
      start++;
    }
    while (end > start && isOws(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(start, end);
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
