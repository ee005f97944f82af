package io.idem.servlet;

import io.idem.http.StoredResponse.Header;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * The response the handler writes to. Every byte goes straight on to the client (flushes included,
 * so streaming works as without Idem) while a copy of the first {@code limit} bytes is kept for
 * replay. Writing one byte past the limit stops the copy: the response is then too large to keep.
 */
final class CapturingResponse extends HttpServletResponseWrapper {

  private final int limit;
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
  private boolean overflowed;
  private boolean errorSent;
  private TeeStream stream;
  private PrintWriter writer;

  CapturingResponse(HttpServletResponse response, int limit) {
    super(response);
    this.limit = limit;
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (writer != null) {
      throw new IllegalStateException("getWriter() was already called for this response");
    }
    return tee();
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      if (stream != null) {
        throw new IllegalStateException("getOutputStream() was already called for this response");
      }
      // Encodes each write at once: a buffering writer would still hold the end of an async
      // response when the container completes the exchange, outside this wrapper.
      writer = new PrintWriter(new EncodingWriter(tee(), charset()), false);
    }
    return writer;
  }

  @Override
  public void flushBuffer() throws IOException {
    if (writer != null) {
      writer.flush();
    }
    super.flushBuffer();
  }

  /** A container-generated error page cannot be captured faithfully, so such a response is never stored. */
  @Override
  public void sendError(int status, String message) throws IOException {
    errorSent = true;
    super.sendError(status, message);
  }

  @Override
  public void sendError(int status) throws IOException {
    errorSent = true;
    super.sendError(status);
  }

  boolean errorSent() {
    return errorSent;
  }

  /** Whether the copy holds the whole body. */
  boolean bodyComplete() {
    return !overflowed;
  }

  byte[] capturedBody() {
    return copy.toByteArray();
  }

  List<Header> capturedHeaders() {
    List<Header> headers = new ArrayList<>();
    for (String name : getHeaderNames()) {
      for (String value : getHeaders(name)) {
        headers.add(new Header(name, value));
      }
    }
    boolean hasContentType = headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("Content-Type"));
    if (!hasContentType && getContentType() != null) {
      headers.add(new Header("Content-Type", getContentType()));
    }
    return headers;
  }

  private TeeStream tee() throws IOException {
    if (stream == null) {
      stream = new TeeStream(super.getOutputStream());
    }
    return stream;
  }

  private Charset charset() throws UnsupportedEncodingException {
    String encoding = getCharacterEncoding();
    try {
      return Charset.forName(encoding == null ? "ISO-8859-1" : encoding);
    } catch (IllegalArgumentException e) {
      throw new UnsupportedEncodingException(encoding);
    }
  }

  private void capture(byte[] bytes, int offset, int length) {
    if (overflowed) {
      return;
    }
    if (copy.size() + length > limit) {
      overflowed = true;
      copy.reset();
      return;
    }
    copy.write(bytes, offset, length);
  }

  /** Writes through to the container's stream and into the copy. */
  private final class TeeStream extends ServletOutputStream {
    private final ServletOutputStream out;
    private final byte[] one = new byte[1];

    TeeStream(ServletOutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      one[0] = (byte) b;
      capture(one, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      capture(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }

    @Override
    public boolean isReady() {
      return out.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      out.setWriteListener(listener);
    }
  }
}
