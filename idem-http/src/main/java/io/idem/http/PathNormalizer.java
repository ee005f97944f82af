package io.idem.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a request path as sent ({@code /%70ayments;v=1}, {@code /a/../payments}) into the one path
 * Idem decides on ({@code /payments}). An adapter whose framework hands it the raw path (a gateway, a
 * reactive server) normalises with this once, before anything looks at the path; see
 * {@link HttpRequestView#path()}.
 *
 * <p>Rules, in order, per segment:
 * <ol>
 *   <li>path parameters ({@code ;} up to the end of the segment) are removed, so {@code ..;} is {@code ..};</li>
 *   <li>escapes of unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) are decoded, every other escape
 *       is kept with upper-case hex (RFC 3986 section 6.2.2);</li>
 *   <li>{@code .} and {@code ..} segments are resolved (RFC 3986 section 5.2.4), including
 *       {@code %2E} spellings;</li>
 *   <li>empty segments ({@code //}) are merged: many frameworks route {@code //payments} to
 *       {@code /payments}, so Idem must not see them as different paths. A trailing {@code /} is kept:
 *       the application sees it and may route on it.</li>
 * </ol>
 *
 * <p>Refused with {@link UnsafePathException}, because no single reading is safe: a path that does
 * not start with {@code /}; an encoded {@code /} ({@code %2F}), which some servers split on and others
 * do not; {@code ..} above the root; a malformed escape or an escaped control character; a raw
 * {@code \} (a separator on some servers); anything outside visible ASCII. Letter case is kept.
 */
public final class PathNormalizer {

  private static final int SHOWN = 80;

  private PathNormalizer() {}

  /**
   * The normalised form of {@code rawPath} (the path as sent, without the query).
   *
   * @throws UnsafePathException when the path has no safe normal form; the message says why
   */
  public static String normalize(String rawPath) {
    Objects.requireNonNull(rawPath, "rawPath");
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      throw new UnsafePathException("the path must start with '/', was \"" + shown(rawPath) + "\"");
    }
    List<String> segments = new ArrayList<>();
    boolean trailingSlash = false;
    int start = 1;
    while (start <= rawPath.length()) {
      int end = rawPath.indexOf('/', start);
      boolean last = end < 0;
      if (last) {
        end = rawPath.length();
      }
      String segment = decode(rawPath, start, withoutParameters(rawPath, start, end));
      if (segment.equals("..")) {
        if (segments.isEmpty()) {
          throw new UnsafePathException("the path \"" + shown(rawPath) + "\" goes above the root with '..'");
        }
        segments.remove(segments.size() - 1);
        trailingSlash = true;
      } else if (segment.equals(".") || segment.isEmpty()) {
        trailingSlash = true;
      } else {
        segments.add(segment);
        trailingSlash = false;
      }
      start = end + 1;
    }
    StringBuilder path = new StringBuilder(rawPath.length());
    for (String segment : segments) {
      path.append('/').append(segment);
    }
    if (trailingSlash || segments.isEmpty()) {
      path.append('/');
    }
    return path.toString();
  }

  /** The end of the segment's name: path parameters start at the first {@code ;}. */
  private static int withoutParameters(String raw, int start, int end) {
    int semicolon = raw.indexOf(';', start);
    return semicolon >= 0 && semicolon < end ? semicolon : end;
  }

  private static String decode(String raw, int start, int end) {
    StringBuilder segment = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int value = i + 2 < end ? hex(raw.charAt(i + 1)) << 4 | hex(raw.charAt(i + 2)) : -1;
        if (value < 0) {
          throw new UnsafePathException("the path has a malformed escape at index " + i + "; '%' must be followed "
              + "by two hex digits");
        }
        if (value == '/') {
          throw new UnsafePathException("the path has an encoded '/' (%2F) at index " + i
              + "; it is ambiguous, send the segments unencoded");
        }
        if (value < 0x20 || value == 0x7f) {
          throw new UnsafePathException(String.format("the path has an encoded control character (%%%02X) at index %d",
              value, i));
        }
        if (isUnreserved(value)) {
          segment.append((char) value);
        } else {
          segment.append('%').append(Character.toUpperCase(raw.charAt(i + 1)))
              .append(Character.toUpperCase(raw.charAt(i + 2)));
        }
        i += 2;
      } else if (c <= 0x20 || c >= 0x7f) {
        throw new UnsafePathException(String.format("the path has character U+%04X at index %d; "
            + "send it percent-encoded", (int) c, i));
      } else if (c == '\\') {
        throw new UnsafePathException("the path has '\\' at index " + i + "; some servers read it as '/', "
            + "send it as %5C");
      } else {
        segment.append(c);
      }
    }
    return segment.toString();
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -0x100;
  }

  private static boolean isUnreserved(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  private static String shown(String raw) {
    return raw.length() <= SHOWN ? raw : raw.substring(0, SHOWN) + "...";
  }
}
