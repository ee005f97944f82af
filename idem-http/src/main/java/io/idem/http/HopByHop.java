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

  private HopByHop() {}

  /** The end-to-end headers, in order; also drops those named by {@code Connection}. */
  public static List<Header> strip(List<Header> headers) {
    List<String> named = new ArrayList<>();
    for (Header header : headers) {
      if (header.name().equalsIgnoreCase("connection")) {
        for (String token : header.value().split(",")) {
          named.add(token.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    List<Header> kept = new ArrayList<>(headers.size());
    for (Header header : headers) {
      String name = header.name().toLowerCase(Locale.ROOT);
      if (!ALWAYS.contains(name) && !named.contains(name)) {
        kept.add(header);
      }
    }
    return kept;
  }
}
