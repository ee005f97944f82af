package io.idem.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The request the handler sees: the body Idem already read, served again intact (blocking or
 * non-blocking), and {@code startAsync()} bound to the capturing response, with Idem's listener
 * registered the moment async starts, so no completion can slip past it.
 */
final class ExchangeRequest extends HttpServletRequestWrapper {

  private final byte[] body;
  private final ServletResponse response;
  private final AsyncListener asyncListener;
  private boolean streamUsed;
  private boolean readerUsed;
  private volatile boolean asyncStarted;

  /** {@code body} null means Idem never read it: the original stream is served. */
  ExchangeRequest(HttpServletRequest request, byte[] body, ServletResponse response, AsyncListener asyncListener) {
    super(request);
    this.body = body;
    this.response = response;
    this.asyncListener = asyncListener;
  }

  boolean asyncStarted() {
    return asyncStarted;
  }

  @Override
  public AsyncContext startAsync() {
    return startAsync(this, response);
  }

  @Override
  public AsyncContext startAsync(ServletRequest servletRequest, ServletResponse servletResponse) {
    AsyncContext context = super.startAsync(servletRequest, servletResponse);
    if (asyncListener != null && !asyncStarted) {
      context.addListener(asyncListener, servletRequest, servletResponse);
    }
    asyncStarted = true;
    return context;
  }

  @Override
  public ServletInputStream getInputStream() throws IOException {
    if (body == null) {
      return super.getInputStream();
    }
    if (readerUsed) {
      throw new IllegalStateException("getReader() was already called for this request");
    }
    streamUsed = true;
    return new BodyStream(body);
  }

  @Override
  public BufferedReader getReader() throws IOException {
    if (body == null) {
      return super.getReader();
    }
    if (streamUsed) {
      throw new IllegalStateException("getInputStream() was already called for this request");
    }
    readerUsed = true;
    return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset()));
  }

  @Override
  public int getContentLength() {
    return body == null ? super.getContentLength() : body.length;
  }

  @Override
  public long getContentLengthLong() {
    return body == null ? super.getContentLengthLong() : body.length;
  }

  private Charset charset() throws UnsupportedEncodingException {
    String encoding = getCharacterEncoding();
    if (encoding == null) {
      return StandardCharsets.ISO_8859_1;
    }
    try {
      return Charset.forName(encoding);
    } catch (IllegalArgumentException e) {
      throw new UnsupportedEncodingException(encoding);
    }
  }

  /** The buffered body as a servlet stream; always ready, so a ReadListener is served at once. */
  private static final class BodyStream extends ServletInputStream {
    private final ByteArrayInputStream in;
    private boolean listenerSet;

    BodyStream(byte[] body) {
      this.in = new ByteArrayInputStream(body);
    }

    @Override
    public boolean isFinished() {
      return in.available() == 0;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setReadListener(ReadListener listener) {
      if (listenerSet) {
        throw new IllegalStateException("a ReadListener is already set");
      }
      listenerSet = true;
      try {
        if (!isFinished()) {
          listener.onDataAvailable();
        }
        listener.onAllDataRead();
      } catch (IOException | RuntimeException e) {
        listener.onError(e);
      }
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return in.read(b, off, len);
    }

    @Override
    public int available() {
      return in.available();
    }
  }
}
