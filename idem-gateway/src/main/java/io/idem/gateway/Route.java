package io.idem.gateway;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Requests whose path is {@code prefix} or below it go to {@code upstream}. The path is forwarded as
 * the client sent it (normalised), after the upstream's own path if it has one: {@code /orders=http://h:9001}
 * sends {@code /orders/7} to {@code http://h:9001/orders/7}, like nginx's {@code proxy_pass} without a URI.
 */
public record Route(String prefix, URI upstream) {

  public Route {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(upstream, "upstream");
    if (!prefix.startsWith("/")) {
      throw new IllegalArgumentException("a route prefix must start with '/', was \"" + prefix + "\"");
    }
    checkUpstream(upstream);
  }

  /** Reads {@code http://host:port} or {@code https://host:port/base}; no query, fragment or user info. */
  public static URI upstream(String text) {
    URI uri;
    try {
      uri = URI.create(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("an upstream must be a URL like http://127.0.0.1:9000, was \"" + text + "\"");
    }
    checkUpstream(uri);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority()
        + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
  }

  private static void checkUpstream(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null
        || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("an upstream must be a URL like http://127.0.0.1:9000 (http or https, a "
          + "host, no query, fragment or user info), was \"" + uri + "\"");
    }
  }

  /** Whether {@code path} (normalised) is the prefix or below it. */
  boolean matches(String path) {
    String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return base.isEmpty() || path.equals(base) || path.startsWith(base + "/");
  }
}
