package io.idem.gateway;

import java.net.URI;

/**
 * Where a route's requests go, read once from its URL: the connection's scheme, host and port, the
 * {@code Host} the upstream is sent, the path its requests' paths are appended to, and the key its
 * pooled connections are kept under.
 */
record Upstream(URI uri, boolean tls, String host, int port, String authority, String basePath, String poolKey) {

  static Upstream of(URI uri) {
    boolean tls = uri.getScheme().equals("https");
    int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return new Upstream(uri, tls, uri.getHost(), port, uri.getRawAuthority(), path,
        (tls ? "https://" : "http://") + uri.getHost() + ":" + port);
  }

  /** The request target sent upstream: the base path, the normalised path, the query as the client sent it. */
  String target(String path, String query) {
    return basePath + path + (query.isEmpty() ? "" : "?" + query);
  }

  /**
   * Why {@code target} cannot be forwarded, or null: a character a URI may not hold (RFC 3986:
   * unreserved, reserved and {@code %}); such a target is refused, not forwarded for the upstream to misread.
   */
  static String whyUnforwardable(String target) {
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c < 128 && "-._~:/?#[]@!$&'()*+,;=%".indexOf(c) >= 0;
      if (!allowed || c == '%' && !(i + 2 < target.length() && hex(target.charAt(i + 1)) && hex(target.charAt(i + 2)))) {
        return "the request target cannot be forwarded as a URI: character " + i + " is not allowed in a URI";
      }
    }
    return null;
  }

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
