package io.idem.gateway;

import io.idem.http.HttpRequestView;
import io.idem.http.PathNormalizer;
import io.idem.http.RequestBodyTooLargeException;
import io.idem.http.UnsafePathException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/**
 * A proxied request as the HTTP layer sees it. The path is normalised once, here, and it is also the
 * path forwarded upstream, so the service routes on what Idem decided on. The body is whatever
 * {@link #bodyRead} handed over before the decision (the gateway buffers it first, so that the
 * decision never blocks on the client).
 */
final class ProxyRequestView implements HttpRequestView {

  private final Request request;
  private final String path;
  private final UnsafePathException unsafePath;
  private byte[] body;
  private RuntimeException bodyFailure;

  ProxyRequestView(Request request) {
    this.request = request;
    String normalised = null;
    UnsafePathException unsafe = null;
    try {
      normalised = PathNormalizer.normalize(request.getHttpURI().getPath());
    } catch (UnsafePathException e) {
      unsafe = e;
    }
    this.path = normalised;
    this.unsafePath = unsafe;
  }

  /** Why the path cannot be forwarded, or null when it can. */
  UnsafePathException unsafePath() {
    return unsafePath;
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  @Override
  public String path() {
    if (unsafePath != null) {
      throw unsafePath;
    }
    return path;
  }

  @Override
  public String query() {
    String query = request.getHttpURI().getQuery();
    return query == null ? "" : query;
  }

  @Override
  public List<String> headers(String name) {
    return request.getHeaders().getValuesList(name);
  }

  /** A proxy has no authenticated principal: the tenant comes from {@link TenantScope}. */
  @Override
  public Optional<String> principal() {
    return Optional.empty();
  }

  @Override
  public byte[] body() {
    if (bodyFailure != null) {
      throw bodyFailure;
    }
    if (body == null) {
      throw new IllegalStateException("the gateway decides on a body only after reading it");
    }
    return body;
  }

  void bodyRead(byte[] bytes) {
    this.body = bytes;
  }

  void bodyTooLarge(int limit) {
    this.bodyFailure = new RequestBodyTooLargeException(limit);
  }

  void bodyUnreadable(Throwable cause) {
    this.bodyFailure = new UncheckedIOException(cause instanceof IOException io ? io : new IOException(cause));
  }

  /** The buffered body, or null when the request streams through unread. */
  byte[] bodyIfRead() {
    return body;
  }
}
