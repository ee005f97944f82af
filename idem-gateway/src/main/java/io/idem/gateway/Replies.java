package io.idem.gateway;

import io.idem.http.StoredResponse.Header;
import io.idem.http.StoredResponse;
import io.idem.jetty.ProblemJson;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.Date;
import java.util.Set;

/** Answers the gateway makes itself (a replay, a problem), body byte for byte, and the {@code Date} every answer carries. */
final class Replies {

  private static final Set<String> REFUSED_METHODS = Set.of("TRACE", "TRACK");
  private static volatile String date = "";
  private static volatile long dateSecond = -1;

  private Replies() {}

  static FullHttpResponse of(StoredResponse answer) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
    HttpHeaders headers = response.headers();
    for (Header header : answer.headers()) {
      headers.add(header.name(), header.value());
    }
    headers.set(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
    headers.set(HttpHeaderNames.DATE, date());
    return response;
  }

  /**
   * One of the server's own problems (a malformed request, a limit), then the connection is closed;
   * {@code allow} is the {@code Allow} header of a 405, else null.
   */
  static ChannelFuture problemAndClose(ChannelHandlerContext ctx, int status, String allow) {
    byte[] body = ProblemJson.body(status);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, ProblemJson.CONTENT_TYPE)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .set(HttpHeaderNames.DATE, date());
    if (allow != null) {
      response.headers().set(HttpHeaderNames.ALLOW, allow);
    }
    return ctx.writeAndFlush(response).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
  }

  /** The server's own refusal of a request head before anything else is looked at; 0 when there is none. */
  static int refusalOf(HttpRequest head, long maxBodyBytes) {
    if (head.decoderResult().isFailure()) {
      Throwable cause = head.decoderResult().cause();
      return cause instanceof TooLongHttpHeaderException ? 431
          : cause instanceof TooLongHttpLineException ? 414
          : cause instanceof TooLongFrameException ? 431 : 400;
    }
    if (!head.protocolVersion().equals(HttpVersion.HTTP_1_1) && !head.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      return 505;
    }
    if (REFUSED_METHODS.contains(head.method().name())) {
      return 405;
    }
    return HttpUtil.getContentLength(head, 0L) > maxBodyBytes ? 413 : 0;
  }

  /** Tells a client that sent {@code Expect: 100-continue} to send its body (the Expect is not forwarded). */
  static void sendContinue(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
  }

  /** The HTTP date of this second, formatted once per second. */
  static String date() {
    long now = System.currentTimeMillis();
    long second = now / 1000;
    if (second != dateSecond) {
      date = DateFormatter.format(new Date(now));
      dateSecond = second;
    }
    return date;
  }
}
