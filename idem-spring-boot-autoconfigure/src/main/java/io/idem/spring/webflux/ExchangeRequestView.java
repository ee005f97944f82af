package io.idem.spring.webflux;

import io.idem.http.HttpRequestView;
import io.idem.http.PathNormalizer;
import io.idem.http.RequestBodyTooLargeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * A WebFlux request as Idem sees it. The body has been read before (WebFlux reads asynchronously,
 * Idem's decision needs it at once); the path is the raw path, normalised once.
 */
final class ExchangeRequestView implements HttpRequestView {

  private final ServerHttpRequest request;
  private final Optional<String> principal;
  private final byte[] body;
  private final int bodyLimit;
  private String path;

  /** {@code body} null: it was over {@code bodyLimit} bytes and not kept. */
  ExchangeRequestView(ServerHttpRequest request, Optional<String> principal, byte[] body, int bodyLimit) {
    this.request = request;
    this.principal = principal;
    this.body = body;
    this.bodyLimit = bodyLimit;
  }

  @Override
  public String method() {
    return request.getMethod().name();
  }

  @Override
  public String path() {
    if (path == null) {
      path = PathNormalizer.normalize(request.getURI().getRawPath());
    }
    return path;
  }

  @Override
  public String query() {
    String query = request.getURI().getRawQuery();
    return query == null ? "" : query;
  }

  @Override
  public List<String> headers(String name) {
    return headerValues(request.getHeaders(), name);
  }

  /** Every value of a header, matched case-insensitively, as sent (no splitting at commas). */
  static List<String> headerValues(org.springframework.http.HttpHeaders headers, String name) {
    List<String> values = new ArrayList<>();
    headers.forEach((header, headerValues) -> {
      if (header.equalsIgnoreCase(name)) {
        values.addAll(headerValues);
      }
    });
    return values;
  }

  @Override
  public Optional<String> principal() {
    return principal;
  }

  @Override
  public byte[] body() {
    if (body == null) {
      throw new RequestBodyTooLargeException(bodyLimit);
    }
    return body;
  }
}
