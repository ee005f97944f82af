package io.idem.gateway;

import io.idem.http.HopByHop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The headers a request carries upstream: the client's end-to-end headers ({@link HopByHop} drops the
 * rest, and {@code Host}, which names the gateway, and {@code Expect}, which the gateway answered
 * itself), the upstream's {@code Host}, then {@code Forwarded} (RFC 7239) and the de-facto
 * {@code X-Forwarded-For}, {@code -Proto} and {@code -Host}, each appended to what a proxy in front
 * already set.
 */
final class ForwardedHeaders {

  private ForwardedHeaders() {}

  /** {@code address} is the client's, from {@link #address}. */
  static void copy(HttpHeaders client, String address, Upstream upstream, HttpHeaders out) {
    String connection = client.get(HttpHeaderNames.CONNECTION);
    List<String> named = connection == null ? List.of() : HopByHop.namedBy(connection);
    out.set(HttpHeaderNames.HOST, upstream.authority());
    for (Map.Entry<String, String> field : client) {
      String name = field.getKey();
      if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("expect") && !HopByHop.isHopByHop(name, named)) {
        out.add(name, field.getValue());
      }
    }
    String host = client.get(HttpHeaderNames.HOST);
    StringBuilder forwarded = new StringBuilder("for=").append(forwardedNode(address)).append(";proto=http");
    if (host != null) {
      forwarded.append(";host=\"").append(host.replace("\"", "")).append('"');
    }
    out.add("Forwarded", forwarded.toString());
    List<String> chain = out.getAll("X-Forwarded-For");
    out.set("X-Forwarded-For", chain.isEmpty() ? address : String.join(", ", chain) + ", " + address);
    out.set("X-Forwarded-Proto", "http");
    if (host != null) {
      out.set("X-Forwarded-Host", host);
    }
  }

  /** The client's IP address as {@code X-Forwarded-For} carries it, once per connection. */
  static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return "unknown";
  }

  /** RFC 7239: an IPv6 address is bracketed and quoted. */
  private static String forwardedNode(String address) {
    return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
  }
}
