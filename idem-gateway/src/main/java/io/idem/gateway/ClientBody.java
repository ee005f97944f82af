package io.idem.gateway;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Content;

/**
 * The client's request body, streamed upstream as it arrives (back-pressure both ways: Jetty's client
 * reads only when the upstream connection can take more), with the client's {@code Content-Length}
 * kept, so a fixed-length request stays fixed-length.
 */
final class ClientBody implements Request.Content {

  private final org.eclipse.jetty.server.Request request;

  ClientBody(org.eclipse.jetty.server.Request request) {
    this.request = request;
  }

  /** Whether the request has a body at all (a length, or chunked); a GET usually has none. */
  static boolean present(org.eclipse.jetty.server.Request request) {
    return request.getLength() > 0 || request.getHeaders().contains("Transfer-Encoding");
  }

  /** None here: the client's own {@code Content-Type} is among the headers copied upstream. */
  @Override
  public String getContentType() {
    return null;
  }

  @Override
  public long getLength() {
    return request.getLength();
  }

  @Override
  public Content.Chunk read() {
    return request.read();
  }

  @Override
  public void demand(Runnable demandCallback) {
    request.demand(demandCallback);
  }

  @Override
  public void fail(Throwable failure) {
    request.fail(failure);
  }

  @Override
  public boolean rewind() {
    return false;
  }
}
