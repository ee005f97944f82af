package io.idem.gateway;

import io.idem.http.HttpAttempt;
import io.idem.http.HttpDecision;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.http.ProblemType;
import io.idem.http.Problems;
import io.idem.http.StoredResponse;
import io.idem.http.StoredResponse.Header;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
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

  private final ProxyContext proxy;
  private final HeadDeadline headDeadline;
  private ChannelHandlerContext ctx;
  private PacedMessages messages;
  private BodyClock bodyClock;
  private String clientAddress;

  // The exchange in progress; all on this connection's event loop.
  private RequestFraming framing;
  private boolean busy;
  private boolean discarding;
  private ProxyRequestView view;
  private Upstream upstream;
  private String target;
  private GatheredBody gathered;
  private UpstreamCall call;
  /** A body streamed upstream: its clock starts when the call first asks for it. */
  private boolean streamClock;

  ClientConnection(ProxyContext proxy, HeadDeadline headDeadline) {
    this.proxy = proxy;
    this.headDeadline = headDeadline;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.messages = new PacedMessages(ctx, this::dispatch);
    this.bodyClock = new BodyClock(ctx, proxy.limits(), () -> failBody(408));
    messages.pull();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    messages.received(msg);
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
    int refused = Replies.refusalOf(head, proxy.limits().maxRequestBodyBytes());
    if (refused != 0) {
      refuse(refused);
      return;
    }
    framing = new RequestFraming(head);
    bodyClock.reset();
    busy = true;
    view = new ProxyRequestView(head);
    // Whatever the method: there is no path to forward that the upstream would read as Idem did.
    String badPath = view.unsafePath() != null ? view.unsafePath().getMessage() : route();
    if (badPath != null) {
      answer(Problems.of(ProblemType.PATH_INVALID, badPath));
      return;
    }
    HttpIdempotencyConfig config = proxy.http().config();
    int limit = config.maxRequestBodyBytes();
    boolean keyed = config.methods().contains(head.method().name()) && head.headers().contains(config.headerName());
    if (!keyed || HttpUtil.getContentLength(head, 0L) > limit) {
      // No key: decided at once, the body (if any) streams through unread. Too long to fingerprint: refused unread.
      if (keyed) {
        view.bodyTooLarge(limit);
      }
      decide();
      return;
    }
    if (framing.bodyExpected && HttpUtil.is100ContinueExpected(head)) {
      Replies.sendContinue(ctx);
    }
    gathered = new GatheredBody(ctx.alloc(), limit);
    readBodyOnTheClock();
  }

  /** Picks the upstream and the target for the request; why it cannot be forwarded there, or null. */
  private String route() {
    upstream = proxy.routes().upstreamOf(view.path());
    target = upstream.target(view.path(), view.query());
    return Upstream.whyUnforwardable(target);
  }

  private void content(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    bodyClock.count(content.content().readableBytes());
    if (discarding || !busy) {
      content.release();
      if (!discarding) {
        return;
      }
      if (last) {
        discarding = false;
        bodyClock.stop();
        nextRequest();
      } else if (bodyClock.bytes() > RequestFraming.MAX_DRAINED_BYTES) {
        ctx.close();
      } else {
        messages.pull();
      }
      return;
    }
    if (content.decoderResult().isFailure()) {
      content.release();
      failBody(400);
      return;
    }
    framing.lastContentSeen(last);
    if (last) {
      bodyClock.stop();
    }
    if (gathered != null) {
      bufferContent(content, last);
    } else if (call != null) {
      if (bodyClock.bytes() > proxy.limits().maxRequestBodyBytes()) {
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
    boolean fits;
    try {
      if (bodyClock.bytes() > proxy.limits().maxRequestBodyBytes()) {
        // Past the server's limit, as a declared length would have been: refused before any decision.
        releaseBuffer();
        refuse(413);
        return;
      }
      fits = gathered.add(content.content());
    } finally {
      content.release();
    }
    if (!fits) {
      view.bodyTooLarge(gathered.limit());
      releaseBuffer();
      // The rest of the body stays unread: the answer closes the connection.
      framing.closeAfterAnswer();
      bodyClock.stop();
      decide();
    } else if (last) {
      view.bodyRead(gathered.take());
      gathered = null;
      decide();
    } else {
      messages.pull();
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
    call = new UpstreamCall(this, proxy, ctx.channel().eventLoop(), framing.request, clientAddress, upstream,
        target, body, attempt);
    streamClock = body == null && framing.bodyExpected;
    call.start();
  }

  // What the call asks of the client side.

  /** The call wants the next piece of the client's body. */
  void readBody() {
    if (streamClock) {
      streamClock = false;
      if (HttpUtil.is100ContinueExpected(framing.request)) {
        // The upstream is ready for the body: the client may send it (its Expect is not forwarded).
        Replies.sendContinue(ctx);
      }
      readBodyOnTheClock();
    } else {
      messages.pull();
    }
  }

  void sendHead(int status, List<Header> headers, long contentLength) {
    ctx.write(framing.forwardedHead(status, headers, contentLength));
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
    proxy.metrics().answered(answer);
    send(answer);
  }

  /** An answer about the upstream (502, 504), counted by the call. */
  void send(StoredResponse answer) {
    ctx.writeAndFlush(framing.answer(answer, bodyClock.bytes()))
        .addListener((ChannelFutureListener) written -> ended(written.isSuccess()));
  }

  /** The answer was cut off by the upstream: the client sees it end early, as it did. */
  void cutOff() {
    ctx.close();
  }

  /** The body of a request on its way upstream arrived too slowly (408) or grew too large (413). */
  private void failBody(int status) {
    bodyClock.stop();
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

  /** The client has the whole answer (or could not take it): the next request, or the end of the connection. */
  private void ended(boolean written) {
    call = null;
    bodyClock.stop();
    releaseBuffer();
    if (!written || !framing.reusableAfterAnswer(bodyClock.bytes())) {
      ctx.close();
      return;
    }
    if (!framing.lastContentSeen()) {
      // The body the answer did not need is read and dropped (a request without one still ends with an
      // empty last part), within the body's time limit.
      discarding = true;
      readBodyOnTheClock(); // counts the dropped bytes from 0
      return;
    }
    nextRequest();
  }

  private void nextRequest() {
    busy = false;
    framing = null;
    view = null;
    headDeadline.awaitNextHead();
    messages.pull();
  }

  /** Reads the body with its clock started (a body already here is handed over within the read). */
  private void readBodyOnTheClock() {
    bodyClock.start();
    messages.pull();
    bodyClock.armIfRunning();
  }

  private void releaseBuffer() {
    if (gathered != null) {
      gathered.release();
      gathered = null;
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
    if (messages == null) {
      return; // closed by the connection limits before it was ever active
    }
    messages.releaseAll();
    bodyClock.stop();
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
