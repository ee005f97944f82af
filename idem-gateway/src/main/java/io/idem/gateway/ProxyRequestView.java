package io.idem.gateway;

import io.idem.http.HttpRequestView;
import io.idem.http.PathNormalizer;
import io.idem.http.RequestBodyTooLargeException;
import io.idem.http.UnsafePathException;
import io.netty.handler.codec.http.HttpRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * A proxied request as the HTTP layer sees it. The path is normalised once, here, and it is also the
 * path forwarded upstream, so the service routes on what Idem decided on. The body is whatever
 * {@link #bodyRead} handed over before the decision (the gateway buffers it first, so that the
 * decision never blocks on the client).
 */
final class ProxyRequestView implements HttpRequestView {

  private final HttpRequest request;
  private final String rawPath;
  private final String query;
  private final String path;
  private final UnsafePathException unsafePath;
  private byte[] body;
  private RuntimeException bodyFailure;

  ProxyRequestView(HttpRequest request) {
    this.request = request;
    String target = originForm(request.uri());
    int question = target.indexOf('?');
    this.rawPath = question < 0 ? target : target.substring(0, question);
    this.query = question < 0 ? "" : target.substring(question + 1);
    String normalised = null;
    UnsafePathException unsafe = null;
    try {
      normalised = PathNormalizer.normalize(rawPath);
    } catch (UnsafePathException e) {
      unsafe = e;
    }
    this.path = normalised;
    this.unsafePath = unsafe;
  }

  /**
   * The path and query of a request target: an absolute-form target ({@code http://host/path}, which
   * proxies may be sent) loses its scheme and authority; a fragment, which clients never send, is cut.
   */
  private static String originForm(String target) {
    String form = target;
    int scheme = form.indexOf("://");
    if (scheme > 0 && !form.startsWith("/")) {
      int slash = form.indexOf('/', scheme + 3);
      int question = form.indexOf('?', scheme + 3);
      int start = slash < 0 ? question : question < 0 ? slash : Math.min(slash, question);
      form = start < 0 ? "/" : form.charAt(start) == '?' ? "/" + form.substring(start) : form.substring(start);
    }
    int hash = form.indexOf('#');
    return hash < 0 ? form : form.substring(0, hash);
  }

  /** Why the path cannot be forwarded, or null when it can. */
  UnsafePathException unsafePath() {
    return unsafePath;
  }

  @Override
  public String method() {
    return request.method().name();
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
    return query;
  }

  @Override
  public List<String> headers(String name) {
    return request.headers().getAll(name);
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
