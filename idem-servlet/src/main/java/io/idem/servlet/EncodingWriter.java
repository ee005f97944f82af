package io.idem.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.Charset;

/**
 * A writer that encodes every write straight to its stream and keeps nothing back but the first
 * half of a surrogate pair split across two writes.
 */
final class EncodingWriter extends Writer {

  private final OutputStream out;
  private final Charset charset;
  private char pendingHighSurrogate;

  EncodingWriter(OutputStream out, Charset charset) {
    this.out = out;
    this.charset = charset;
  }

  @Override
  public void write(char[] chars, int offset, int length) throws IOException {
    if (length == 0) {
      return;
    }
    StringBuilder text = new StringBuilder(length + 1);
    if (pendingHighSurrogate != 0) {
      text.append(pendingHighSurrogate);
      pendingHighSurrogate = 0;
    }
    text.append(chars, offset, length);
    char last = text.charAt(text.length() - 1);
    if (Character.isHighSurrogate(last)) {
      pendingHighSurrogate = last;
      text.setLength(text.length() - 1);
    }
    if (text.length() > 0) {
      out.write(text.toString().getBytes(charset));
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (pendingHighSurrogate != 0) {
      out.write(String.valueOf(pendingHighSurrogate).getBytes(charset));
      pendingHighSurrogate = 0;
    }
    out.close();
  }
}
