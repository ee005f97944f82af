package io.idem.gateway;

import io.idem.http.StoredResponse;
import io.idem.http.StoredResponse.Header;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * How one request is framed on its client connection: whether a body follows its head and whether it
 * was all read, and so whether the connection can carry another request once the answer is out; and
 * how an answer is framed for this client (length, chunks, or the connection's close for an HTTP/1.0
 * client, with the {@code Connection} header that says which).
 */
final class RequestFraming {

  /** The most of an unread body read and dropped to keep the connection after an answer that did not need it. */
  static final long MAX_DRAINED_BYTES = 64 * 1024;

  final HttpRequest request;
  final boolean bodyExpected;
  private boolean keepAlive;
  private boolean lastContentSeen;

  RequestFraming(HttpRequest request) {
    this.request = request;
    this.keepAlive = HttpUtil.isKeepAlive(request);
    this.bodyExpected = HttpUtil.isContentLengthSet(request) ? HttpUtil.getContentLength(request, 0L) > 0
        : HttpUtil.isTransferEncodingChunked(request);
  }

  void lastContentSeen(boolean seen) {
    lastContentSeen = seen;
  }

  boolean lastContentSeen() {
    return lastContentSeen;
  }

  /** The connection closes after the answer (its body is left unread, say). */
  void closeAfterAnswer() {
    keepAlive = false;
  }

  /**
   * Whether the connection can take another request once this one is answered: the client wants it,
   * and the body was read or what is left of it ({@code bodyBytes} read so far) is small enough to drop.
   */
  boolean reusableAfterAnswer(long bodyBytes) {
    return keepAlive && (lastContentSeen || !bodyExpected
        || HttpUtil.getContentLength(request, MAX_DRAINED_BYTES + 1) - bodyBytes <= MAX_DRAINED_BYTES);
  }

  /** The head of an upstream's answer as this client gets it; the upstream's headers were checked when decoded. */
  HttpResponse forwardedHead(int status, List<Header> headers, long contentLength) {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), false);
    for (Header header : headers) {
      response.headers().add(header.name(), header.value());
    }
    response.headers().set(HttpHeaderNames.DATE, Replies.date());
    if (contentLength >= 0) {
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
    } else if (status == 204 || status == 304 || request.method().equals(HttpMethod.HEAD)) {
      // No body follows: nothing to frame.
    } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    } else {
      // An HTTP/1.0 client learns the end of an answer of unknown length when the connection closes.
      keepAlive = false;
    }
    return withConnectionHeader(response);
  }

  /** An answer the gateway makes itself, whole; {@code bodyBytes} of the request were read. */
  FullHttpResponse answer(StoredResponse answer, long bodyBytes) {
    if (!reusableAfterAnswer(bodyBytes)) {
      keepAlive = false;
    }
    return withConnectionHeader(Replies.of(answer));
  }

  /** Says when the connection ends after this answer, and keeps an HTTP/1.0 client's connection open when it asked. */
  private <R extends HttpResponse> R withConnectionHeader(R response) {
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!request.protocolVersion().isKeepAliveDefault()) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return response;
  }
}
