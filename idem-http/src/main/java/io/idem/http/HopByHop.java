package io.idem.http;

import io.idem.http.StoredResponse.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Headers that describe one connection, not the response (RFC 9110 section 7.6.1), plus those a
 * server computes for the bytes it sends. They are neither stored nor replayed, nor forwarded by a proxy.
 */
public final class HopByHop {

  private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
      "content-length", "date", HttpIdempotency.REPLAYED_HEADER.toLowerCase(Locale.ROOT));

  /** {@link #ALWAYS} by length: a name is compared only with those of its own length, ignoring case (no copy). */
  private static final String[][] ALWAYS_BY_LENGTH = byLength(ALWAYS);

  private HopByHop() {}

  /** The end-to-end headers, in order; also drops those named by {@code Connection}. */
  public static List<Header> strip(List<Header> headers) {
    List<String> named = new ArrayList<>();
    for (Header header : headers) {
      if (header.name().equalsIgnoreCase("connection")) {
        named.addAll(namedBy(header.value()));
      }
    }
    List<Header> kept = new ArrayList<>(headers.size());
    for (Header header : headers) {
      if (!isHopByHop(header.name(), named)) {
        kept.add(header);
      }
    }
    return kept;
  }

  /**
   * Whether a header is not passed on: always hop-by-hop, or among {@code named} (what the message's
   * {@code Connection} headers list, from {@link #namedBy}). For a proxy that copies headers one by one.
   */
  public static boolean isHopByHop(String name, List<String> named) {
    return always(name) || !named.isEmpty() && named.contains(name.toLowerCase(Locale.ROOT));
  }

  /** The header names a {@code Connection} header's value lists, in lower case. */
  public static List<String> namedBy(String connection) {
    List<String> named = new ArrayList<>();
    for (String token : connection.split(",")) {
      named.add(token.trim().toLowerCase(Locale.ROOT));
    }
    return named;
  }

  private static boolean always(String name) {
    if (name.length() >= ALWAYS_BY_LENGTH.length) {
      return false;
    }
    for (String candidate : ALWAYS_BY_LENGTH[name.length()]) {
      if (candidate.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static String[][] byLength(Set<String> names) {
    int longest = names.stream().mapToInt(String::length).max().orElse(0);
    String[][] table = new String[longest + 1][];
    for (int length = 0; length <= longest; length++) {
      int n = length;
      table[length] = names.stream().filter(name -> name.length() == n).toArray(String[]::new);
    }
    return table;
  }
}
