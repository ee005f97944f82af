package io.idem.gateway;

import io.idem.http.StoredResponse;
import io.idem.http.StoredResponse.Header;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes an answer the gateway makes itself (a replay, a problem) to the client, body byte for byte. */
final class Replies {

  private Replies() {}

  static void send(Response response, StoredResponse answer, Callback callback) {
    response.setStatus(answer.status());
    for (Header header : answer.headers()) {
      response.getHeaders().add(header.name(), header.value());
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }
}
