package io.idem.gateway;

import io.idem.http.HopByHop;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The request as it goes upstream and the headers it carries: the client's end-to-end headers
 * ({@link HopByHop} drops the rest, and {@code Host}, which names the gateway, and {@code Expect}, which
 * the gateway answered itself), the upstream's {@code Host}, then {@code Forwarded} (RFC 7239) and the de-facto
 * {@code X-Forwarded-For}, {@code -Proto} and {@code -Host}, each appended to what a proxy in front
 * already set.
 */
final class ForwardedHeaders {

  private ForwardedHeaders() {}

  /**
   * The request as it goes upstream: {@code body} whole when it was read (null when the client's body
   * streams after it, framed as the client framed it), with the forwarded headers. The client's headers
   * were checked when decoded: they are not checked again.
   */
  static HttpRequest request(HttpRequest client, String target, byte[] body, String address, Upstream upstream) {
    HttpRequest out = body != null
        ? new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, client.method(), target, Unpooled.wrappedBuffer(body), false)
        : new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), target, false);
    copy(client.headers(), address, upstream, out.headers());
    if (body != null) {
      out.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    } else if (HttpUtil.isContentLengthSet(client)) {
      // The client's framing is kept: a fixed-length body stays fixed-length, a chunked one chunked.
      out.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpUtil.getContentLength(client, 0L));
    } else if (HttpUtil.isTransferEncodingChunked(client)) {
      out.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return out;
  }

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
