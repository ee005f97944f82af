package io.idem.servlet;

import io.idem.http.HttpRequestView;
import io.idem.http.RequestBodyTooLargeException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.Principal;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/** A servlet request as the HTTP layer sees it. The body is read on first use only, and kept. */
final class ServletRequestView implements HttpRequestView {

  private final HttpServletRequest request;
  private final int maxBodyBytes;
  private String path;
  private byte[] body;

  ServletRequestView(HttpServletRequest request, int maxBodyBytes) {
    this.request = request;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  /**
   * The path as the container routed it: context path, then the servlet path and path info, which the
   * container has decoded and normalised (no {@code ;} parameters, no dot segments). Never the raw
   * {@code getRequestURI()}: {@code /%70ayments} and {@code /a/../payments} reach the servlet of
   * {@code /payments} and must look like it to Idem.
   */
  @Override
  public String path() {
    if (path == null) {
      String pathInfo = request.getPathInfo();
      path = request.getContextPath() + request.getServletPath() + (pathInfo == null ? "" : pathInfo);
    }
    return path;
  }

  @Override
  public String query() {
    String query = request.getQueryString();
    return query == null ? "" : query;
  }

  @Override
  public List<String> headers(String name) {
    Enumeration<String> values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  @Override
  public Optional<String> principal() {
    Principal principal = request.getUserPrincipal();
    return principal == null ? Optional.empty() : Optional.ofNullable(principal.getName());
  }

  @Override
  public byte[] body() {
    if (body == null) {
      body = readBody();
    }
    return body;
  }

  /** The body if {@link #body()} read it, else null: the request stream is then still untouched. */
  byte[] bodyIfRead() {
    return body;
  }

  private byte[] readBody() {
    if (request.getContentLengthLong() > maxBodyBytes) {
      throw new RequestBodyTooLargeException(maxBodyBytes);
    }
    long declared = request.getContentLengthLong();
    try (InputStream in = request.getInputStream()) {
      if (declared >= 0) {
        // The container delivers no more than Content-Length: one array of that size, not 8 KiB chunks.
        byte[] bytes = new byte[(int) declared];
        int read = in.readNBytes(bytes, 0, bytes.length);
        return read == bytes.length ? bytes : Arrays.copyOf(bytes, read);
      }
      byte[] bytes = in.readNBytes(maxBodyBytes + 1);
      if (bytes.length > maxBodyBytes) {
        throw new RequestBodyTooLargeException(maxBodyBytes);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
