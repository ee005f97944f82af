package io.idem.spring.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * A keyed request's response, held back from completing until Idem has finished the attempt. Spring
 * MVC's message converters set Content-Length and flush, and a container completes a response once
 * that many bytes are written; without this a client could read the whole answer and retry before it
 * is stored (or, after a 5xx, released) and get 409. Flushes are held and Content-Length is set only
 * in {@link #release()}; the container still sends whatever overflows its buffer, so a large body is
 * not held in memory (decision 0602).
 */
final class FlushHeldResponse extends HttpServletResponseWrapper {

  private static final String CONTENT_LENGTH = "Content-Length";

  private ServletOutputStream stream;
  private PrintWriter writer;
  private long contentLength = -1;

  FlushHeldResponse(HttpServletResponse response) {
    super(response);
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (stream == null) {
      ServletOutputStream target = super.getOutputStream();
      stream = new ServletOutputStream() {
        @Override
        public void write(int b) throws IOException {
          target.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          target.write(bytes, offset, length);
        }

        @Override
        public void flush() {
          // held: the container sends the response when Idem's filter returns
        }

        @Override
        public boolean isReady() {
          return target.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
          target.setWriteListener(listener);
        }
      };
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      writer = new PrintWriter(super.getWriter()) {
        @Override
        public void flush() {
          // held, as for the stream
        }
      };
    }
    return writer;
  }

  @Override
  public void flushBuffer() {
    // held, as for the stream
  }

  @Override
  public void setContentLength(int length) {
    contentLength = length;
  }

  @Override
  public void setContentLengthLong(long length) {
    contentLength = length;
  }

  @Override
  public void setHeader(String name, String value) {
    if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
      contentLength = value == null ? -1 : Long.parseLong(value.trim());
    } else {
      super.setHeader(name, value);
    }
  }

  @Override
  public void addHeader(String name, String value) {
    if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
      setHeader(name, value);
    } else {
      super.addHeader(name, value);
    }
  }

  @Override
  public void setIntHeader(String name, int value) {
    if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
      contentLength = value;
    } else {
      super.setIntHeader(name, value);
    }
  }

  /** The attempt is finished: the response may complete, with its Content-Length if it had one and nothing is sent yet. */
  void release() {
    if (contentLength >= 0 && !isCommitted()) {
      super.setContentLengthLong(contentLength);
    }
  }
}
