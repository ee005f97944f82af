package io.idem.gateway;

import io.idem.http.HopByHop;
import io.idem.http.StoredResponse.Header;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The headers a request carries upstream: the client's end-to-end headers ({@link HopByHop} drops the
 * rest, and {@code Host}, which names the gateway), then {@code Forwarded} (RFC 7239) and the de-facto
 * {@code X-Forwarded-For}, {@code -Proto} and {@code -Host}, each appended to what a proxy in front
 * already set.
 */
final class ForwardedHeaders {

  private ForwardedHeaders() {}

  static void copy(Request request, HttpFields.Mutable upstream) {
    // Jetty's client starts every request with its own Accept-Encoding; a proxy sends only the client's.
    upstream.remove(HttpHeader.ACCEPT_ENCODING);
    List<Header> headers = new ArrayList<>(request.getHeaders().size());
    for (HttpField field : request.getHeaders()) {
      if (!field.getName().equalsIgnoreCase("host")) {
        headers.add(new Header(field.getName(), field.getValue()));
      }
    }
    for (Header header : HopByHop.strip(headers)) {
      upstream.add(header.name(), header.value());
    }
    String client = clientAddress(request.getConnectionMetaData().getRemoteSocketAddress());
    String proto = request.getHttpURI().getScheme() == null ? "http" : request.getHttpURI().getScheme();
    String host = request.getHeaders().get("Host");
    StringBuilder forwarded = new StringBuilder("for=").append(forwardedNode(client)).append(";proto=").append(proto);
    if (host != null) {
      forwarded.append(";host=\"").append(host.replace("\"", "")).append('"');
    }
    upstream.add("Forwarded", forwarded.toString());
    List<String> chain = new ArrayList<>(upstream.getValuesList("X-Forwarded-For"));
    chain.add(client);
    upstream.put("X-Forwarded-For", String.join(", ", chain));
    upstream.put("X-Forwarded-Proto", proto);
    if (host != null) {
      upstream.put("X-Forwarded-Host", host);
    }
  }

  private static String clientAddress(SocketAddress address) {
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
