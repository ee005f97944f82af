package io.idem.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The server's own RFC 9457 answers: {@code about:blank} problems (the status says it all), with a
 * fixed detail per status. Never a server message: those name exception classes and timeouts. Public
 * for the gateway, whose front door is not Jetty but answers the same problems.
 */
public final class ProblemJson {

  public static final String CONTENT_TYPE = "application/problem+json";

  private ProblemJson() {}

  static void send(Response response, int status, Callback callback) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body(status)), callback);
  }

  /** The problem+json body of a {@code status} the server answers itself. */
  public static byte[] body(int status) {
    String title = HttpStatus.getMessage(status);
    return ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
        + detail(status) + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static String detail(int status) {
    return switch (status) {
      case 400 -> "the request is not valid HTTP (request line, method, path or headers)";
      case 404 -> "there is nothing at this path";
      case 405 -> "this method is not allowed here; the Allow header lists the methods that are";
      case 408 -> "the request did not arrive in time: its headers or body came too slowly";
      case 413 -> "the request body is too large";
      case 414 -> "the request target is too long";
      case 415 -> "the request body's media type is not supported";
      case 431 -> "the request headers are too large";
      case 501 -> "this request is not supported by the server";
      case 503 -> "the server cannot answer right now; retry later";
      default -> status >= 500 ? "the server failed to process the request" : "the request cannot be processed";
    };
  }
}
