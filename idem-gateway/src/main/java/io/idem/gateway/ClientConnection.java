package io.idem.gateway;

import io.idem.http.HttpAttempt;
import io.idem.http.HttpDecision;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.http.ProblemType;
import io.idem.http.Problems;
import io.idem.http.StoredResponse;
import io.idem.http.StoredResponse.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the proxy port, one request at a time (a pipelined request waits, unread,
 * until the previous answer is sent). Reads the request head, buffers the body when a key makes it
 * part of the fingerprint, asks {@code HttpIdempotency#beginAsync} what to do and does it: answer from
 * the store or with a problem, or forward through an {@link UpstreamCall}, which streams the body of a
 * request without a key. The channel reads only when asked ({@code autoRead} off), which is how a slow
 * upstream slows the client's body and never the other way round.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
  private static final Set<String> REFUSED_METHODS = Set.of("TRACE", "TRACK");
  /** The most of an unread body read and dropped to keep the connection after an answer that did not need it. */
  static final long MAX_DRAINED_BYTES = 64 * 1024;

  private final ProxyContext proxy;
  private final HeadDeadline headDeadline;
  private ChannelHandlerContext ctx;
  /** Decoded messages not asked for yet; whether the handler waits for one. */
  private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
  private boolean wanted;
  private String clientAddress;

  // The exchange in progress; all on this connection's event loop.
  private HttpRequest request;
  private boolean busy;
  private boolean keepAlive;
  private boolean bodyExpected;
  private boolean lastContentSeen;
  private boolean discarding;
  private long drained;
  private ProxyRequestView view;
  private Upstream upstream;
  private String target;
  private ByteBuf buffered;
  private int bufferLimit;
  private UpstreamCall call;
  private long bodyBytes;
  private long bodyStartNanos;
  private ScheduledFuture<?> bodyTimer;
  private boolean bodyClockRunning;
  /** A body streamed upstream: its clock starts when the call first asks for it. */
  private boolean streamClock;

  ClientConnection(ProxyContext proxy, HeadDeadline headDeadline) {
    this.proxy = proxy;
    this.headDeadline = headDeadline;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    pull();
  }

  /**
   * The decoder hands over every message it finds in the bytes read, asked for or not: those not asked
   * for yet wait here, in order, so that the connection takes one step of one request at a time.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!wanted) {
      pending.add(msg);
      return;
    }
    wanted = false;
    dispatch(msg);
  }

  /** The next message: one already decoded, or a read from the socket. */
  private void pull() {
    Object next = pending.poll();
    if (next != null) {
      dispatch(next);
    } else {
      wanted = true;
      ctx.read();
    }
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest head) {
      try {
        head(head);
      } catch (RuntimeException unexpected) {
        // Nothing may be left unanswered, and nothing of the failure reaches the client.
        LOG.warn("a request failed before it was forwarded", unexpected);
        refuse(500);
      } finally {
        if (msg instanceof HttpContent) {
          // A request the decoder could not read comes whole, with its failure.
          ReferenceCountUtil.release(msg);
        }
      }
    } else if (msg instanceof HttpContent content) {
      content(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void head(HttpRequest head) {
    headDeadline.headArrived();
    if (head.decoderResult().isFailure()) {
      Throwable cause = head.decoderResult().cause();
      refuse(cause instanceof TooLongHttpHeaderException ? 431
          : cause instanceof TooLongHttpLineException ? 414
          : cause instanceof TooLongFrameException ? 431 : 400);
      return;
    }
    request = head;
    busy = true;
    if (!head.protocolVersion().equals(HttpVersion.HTTP_1_1) && !head.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      refuse(505);
      return;
    }
    keepAlive = HttpUtil.isKeepAlive(head);
    bodyExpected = HttpUtil.isContentLengthSet(head) ? HttpUtil.getContentLength(head, 0L) > 0
        : HttpUtil.isTransferEncodingChunked(head);
    lastContentSeen = false;
    String method = head.method().name();
    if (REFUSED_METHODS.contains(method)) {
      refuse(405);
      return;
    }
    if (HttpUtil.getContentLength(head, 0L) > proxy.limits().maxRequestBodyBytes()) {
      refuse(413);
      return;
    }
    view = new ProxyRequestView(head);
    if (view.unsafePath() != null) {
      // Whatever the method: there is no path to forward that the upstream would read as Idem did.
      answer(Problems.of(ProblemType.PATH_INVALID, view.unsafePath().getMessage()));
      return;
    }
    upstream = proxy.routes().upstreamOf(view.path());
    target = upstream.target(view.path(), view.query());
    int illegal = Upstream.illegalTargetCharacter(target);
    if (illegal >= 0) {
      answer(Problems.of(ProblemType.PATH_INVALID, "the request target cannot be forwarded as a URI: character "
          + illegal + " is not allowed in a URI"));
      return;
    }
    HttpIdempotencyConfig config = proxy.http().config();
    if (!config.methods().contains(method) || !head.headers().contains(config.headerName())) {
      // No key here: decided at once, and the body (if any) streams through unread.
      decide();
      return;
    }
    bufferLimit = config.maxRequestBodyBytes();
    if (HttpUtil.getContentLength(head, 0L) > bufferLimit) {
      view.bodyTooLarge(bufferLimit);
      decide();
      return;
    }
    if (bodyExpected && HttpUtil.is100ContinueExpected(head)) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    buffered = ctx.alloc().heapBuffer();
    readBodyOnTheClock();
  }

  private void content(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (discarding || !busy) {
      drained += content.content().readableBytes();
      content.release();
      if (!discarding) {
        return;
      }
      if (last) {
        discarding = false;
        stopBodyClock();
        nextRequest();
      } else if (drained > MAX_DRAINED_BYTES) {
        ctx.close();
      } else {
        pull();
      }
      return;
    }
    if (content.decoderResult().isFailure()) {
      content.release();
      failBody(400);
      return;
    }
    bodyBytes += content.content().readableBytes();
    lastContentSeen = last;
    if (last) {
      stopBodyClock();
    }
    if (buffered != null) {
      bufferContent(content, last);
    } else if (call != null) {
      if (bodyBytes > proxy.limits().maxRequestBodyBytes()) {
        content.release();
        failBody(413);
        return;
      }
      call.clientContent(content, last);
    } else {
      content.release();
    }
  }

  private void bufferContent(HttpContent content, boolean last) {
    try {
      if (bodyBytes > proxy.limits().maxRequestBodyBytes()) {
        // Past the server's limit, as a declared length would have been: refused before any decision.
        releaseBuffer();
        refuse(413);
        return;
      }
      if (buffered.readableBytes() + content.content().readableBytes() > bufferLimit) {
        view.bodyTooLarge(bufferLimit);
        releaseBuffer();
        // The rest of the body stays unread: the answer closes the connection.
        keepAlive = false;
        stopBodyClock();
        decide();
        return;
      }
      buffered.writeBytes(content.content());
    } finally {
      content.release();
    }
    if (last) {
      view.bodyRead(ByteBufUtil.getBytes(buffered));
      releaseBuffer();
      decide();
    } else {
      pull();
    }
  }

  private void decide() {
    try {
      proxy.http().beginAsync(view).whenComplete((decision, error) -> {
        if (ctx.executor().inEventLoop()) {
          act(decision, error);
        } else {
          ctx.executor().execute(() -> act(decision, error));
        }
      });
    } catch (RuntimeException | Error unexpected) {
      act(null, unexpected);
    }
  }

  private void act(HttpDecision decision, Throwable error) {
    if (!ctx.channel().isActive()) {
      if (decision instanceof HttpDecision.Execute execute) {
        // The client went away while the store decided: nothing was forwarded, the key must not stay held.
        execute.attempt().abandonAsync();
      }
      return;
    }
    if (error != null) {
      refuse(500);
      return;
    }
    if (decision instanceof HttpDecision.Respond respond) {
      answer(respond.response());
      return;
    }
    HttpAttempt attempt = decision instanceof HttpDecision.Execute execute ? execute.attempt() : null;
    byte[] body = view.bodyIfRead();
    if (clientAddress == null) {
      clientAddress = ForwardedHeaders.address(ctx.channel().remoteAddress());
    }
    call = new UpstreamCall(this, proxy, ctx.channel().eventLoop(), request, clientAddress, upstream,
        target, body, attempt);
    streamClock = body == null && bodyExpected;
    call.start();
  }

  // What the call asks of the client side.

  /** The call wants the next piece of the client's body. */
  void readBody() {
    if (streamClock) {
      streamClock = false;
      if (HttpUtil.is100ContinueExpected(request)) {
        // The upstream is ready for the body: the client may send it (its Expect is not forwarded).
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      }
      readBodyOnTheClock();
    } else {
      pull();
    }
  }

  void sendHead(int status, List<Header> headers, long contentLength) {
    // The upstream's headers were checked when decoded: they are not checked again.
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
    connectionHeader(response);
    ctx.write(response);
  }

  void sendContent(HttpContent content, boolean last) {
    if (last) {
      ctx.writeAndFlush(content).addListener((ChannelFutureListener) written -> ended(written.isSuccess()));
      return;
    }
    ctx.writeAndFlush(content).addListener((ChannelFutureListener) written -> {
      if (!written.isSuccess() && call != null) {
        call.clientGone();
      }
    });
    if (!ctx.channel().isWritable() && call != null) {
      call.clientWritable(false);
    }
  }

  /** An answer the gateway makes itself (a replay, a problem); the exchange ends when it is written. */
  void answer(StoredResponse answer) {
    proxy.metrics().outcome(answer.headerValues(io.idem.http.HttpIdempotency.REPLAYED_HEADER).isEmpty()
        ? answer.status() == 503 ? GatewayMetrics.STORE_UNAVAILABLE : GatewayMetrics.REFUSED
        : GatewayMetrics.REPLAYED);
    send(answer);
  }

  /** An answer about the upstream (502, 504), counted by the call. */
  void send(StoredResponse answer) {
    FullHttpResponse response = Replies.of(answer);
    if (!reusableAfterAnswer()) {
      keepAlive = false;
    }
    connectionHeader(response);
    ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> ended(written.isSuccess()));
  }

  /** Says when the connection ends after this answer, and keeps an HTTP/1.0 client's connection open when it asked. */
  private void connectionHeader(HttpResponse response) {
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!request.protocolVersion().isKeepAliveDefault()) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  /** The answer was cut off by the upstream: the client sees it end early, as it did. */
  void cutOff() {
    ctx.close();
  }

  /** The body of a request on its way upstream arrived too slowly (408) or grew too large (413). */
  private void failBody(int status) {
    stopBodyClock();
    if (discarding) {
      // The answer is out: a body that does not arrive only costs the connection.
      ctx.close();
      return;
    }
    if (call != null) {
      UpstreamCall broken = call;
      call = null;
      if (broken.clientBodyFailed()) {
        refuse(status);
      } else {
        ctx.close();
      }
      return;
    }
    releaseBuffer();
    refuse(status);
  }

  /** One of the server's own problems, after which the connection is closed. */
  private void refuse(int status) {
    busy = true;
    Replies.problemAndClose(ctx, status, status == 405 ? proxy.limits().allowedMethods() : null);
  }

  /** Whether the connection can take another request once this one is answered: its body was read, or can be dropped. */
  private boolean reusableAfterAnswer() {
    return lastContentSeen || !bodyExpected
        || HttpUtil.getContentLength(request, MAX_DRAINED_BYTES + 1) - bodyBytes <= MAX_DRAINED_BYTES;
  }

  /** The client has the whole answer (or could not take it): the next request, or the end of the connection. */
  private void ended(boolean written) {
    call = null;
    stopBodyClock();
    releaseBuffer();
    if (!written || !keepAlive || !reusableAfterAnswer()) {
      ctx.close();
      return;
    }
    if (!lastContentSeen) {
      // The body the answer did not need is read and dropped (a request without one still ends with an
      // empty last part), within the body's time limit.
      discarding = true;
      drained = 0;
      readBodyOnTheClock();
      return;
    }
    nextRequest();
  }

  private void nextRequest() {
    busy = false;
    request = null;
    view = null;
    bodyBytes = 0;
    headDeadline.awaitNextHead();
    pull();
  }

  // The body's clock: it may take the body timeout plus a second per minimum rate's worth of bytes.

  /**
   * Reads the body with its clock started. A body that is already here is handed over within the read,
   * so the clock's timer is only set for one still on its way.
   */
  private void readBodyOnTheClock() {
    bodyBytes = 0;
    bodyStartNanos = System.nanoTime();
    bodyClockRunning = true;
    pull();
    if (bodyClockRunning && bodyTimer == null && ctx.channel().isActive()) {
      scheduleBodyCheck();
    }
  }

  private void scheduleBodyCheck() {
    long allowed = proxy.limits().bodyTimeout().toNanos()
        + TimeUnit.SECONDS.toNanos(1) * bodyBytes / Math.max(1, proxy.limits().minBodyBytesPerSecond());
    long left = bodyStartNanos + allowed - System.nanoTime();
    if (left <= 0) {
      bodyTimer = null;
      failBody(408);
      return;
    }
    bodyTimer = ctx.executor().schedule(this::scheduleBodyCheck, left, TimeUnit.NANOSECONDS);
  }

  private void stopBodyClock() {
    bodyClockRunning = false;
    if (bodyTimer != null) {
      bodyTimer.cancel(false);
      bodyTimer = null;
    }
  }

  private void releaseBuffer() {
    if (buffered != null) {
      buffered.release();
      buffered = null;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (call != null) {
      call.clientWritable(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent && !busy) {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (Object msg = pending.poll(); msg != null; msg = pending.poll()) {
      ReferenceCountUtil.release(msg);
    }
    stopBodyClock();
    releaseBuffer();
    if (call != null) {
      call.clientGone();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
