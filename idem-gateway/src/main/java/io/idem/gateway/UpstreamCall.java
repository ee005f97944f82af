package io.idem.gateway;

import io.idem.http.HopByHop;
import io.idem.http.HttpAttempt;
import io.idem.http.ProblemType;
import io.idem.http.Problems;
import io.idem.http.StoredResponse.Header;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request forwarded upstream on a pooled connection of the client's own event loop, its answer
 * streamed back to the client as it arrives and, when the request holds a key, copied (up to the
 * stored-size limit) and handed to its {@link HttpAttempt}. Everything here runs on that one loop.
 *
 * <p>What a fault does to the key (decision 0701):
 * <ul>
 *   <li>the upstream never received the whole request (refused, unreachable, reset while sending): 502
 *       {@code upstream-unreachable}, the key is released: the upstream cannot have acted;</li>
 *   <li>the whole request was sent and the answer does not begin within the upstream timeout: the client
 *       gets 504 {@code upstream-timeout}, and the gateway keeps waiting (up to the engine's attempt time
 *       limit) with the key in progress: a late answer is stored, and retries replay it;</li>
 *   <li>the whole request was sent and the connection failed before or during the answer: 502
 *       {@code upstream-failed} (or a cut-off response), and the key stays in progress until the
 *       attempt time limit: the upstream may have acted, so a retry must not run it again meanwhile;</li>
 *   <li>the client goes away: the answer is still read to the end and stored.</li>
 * </ul>
 */
final class UpstreamCall {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamCall.class);

  private final ClientConnection client;
  private final ProxyContext proxy;
  private final EventLoop loop;
  private final HttpRequest request;
  private final String clientAddress;
  private final Upstream upstream;
  private final String target;
  private final byte[] body;
  private final HttpAttempt attempt;
  private final ResponseCapture capture;

  private Channel channel;
  private boolean requestSent;
  private boolean headersReceived;
  private boolean informational;
  private boolean upstreamKeepAlive;
  private boolean clientAnswered;
  private boolean clientGone;
  private boolean done;
  private int status;
  private List<Header> headers = List.of();
  /** One timer: first at the upstream timeout (for the client), then at the exchange limit. */
  private ScheduledFuture<?> timer;
  private long startNanos;

  /** {@code body} is null when the client's body streams through; {@code attempt} is null without a key. */
  UpstreamCall(ClientConnection client, ProxyContext proxy, EventLoop loop, HttpRequest request,
      String clientAddress, Upstream upstream, String target, byte[] body, HttpAttempt attempt) {
    this.client = client;
    this.proxy = proxy;
    this.loop = loop;
    this.request = request;
    this.clientAddress = clientAddress;
    this.upstream = upstream;
    this.target = target;
    this.body = body;
    this.attempt = attempt;
    this.capture = attempt == null ? null : new ResponseCapture(attempt.maxStoredResponseBytes());
  }

  void start() {
    startNanos = System.nanoTime();
    long first = Math.min(proxy.upstreamTimeout().toNanos(), proxy.exchangeLimit().toNanos());
    timer = loop.schedule(this::timeUp, first, TimeUnit.NANOSECONDS);
    proxy.pool().borrow(loop, upstream).addListener((ChannelFutureListener) this::connected);
  }

  private void connected(ChannelFuture connecting) {
    if (done) {
      if (connecting.isSuccess()) {
        connecting.channel().close();
      }
      return;
    }
    if (!connecting.isSuccess()) {
      unreachable();
      return;
    }
    channel = connecting.channel();
    channel.config().setAutoRead(true);
    UpstreamPool.UpstreamHandler.of(channel).bind(this);
    HttpRequest out = ForwardedHeaders.request(request, target, body, clientAddress, upstream);
    if (body != null) {
      channel.writeAndFlush(out).addListener(this::requestWritten);
      return;
    }
    channel.write(out).addListener(this::failedWrite);
    client.readBody();
  }

  /** A piece of the client's body, passed on; the next is read once this one is written. */
  void clientContent(HttpContent content, boolean last) {
    if (done || channel == null) {
      content.release();
      return;
    }
    channel.writeAndFlush(content).addListener((ChannelFutureListener) written -> {
      if (!written.isSuccess()) {
        written.channel().close();
      } else if (last) {
        requestSent = true;
      } else if (!done) {
        client.readBody();
      }
    });
  }

  private void requestWritten(io.netty.util.concurrent.Future<? super Void> written) {
    if (written.isSuccess()) {
      requestSent = true;
    } else {
      channel.close();
    }
  }

  private void failedWrite(io.netty.util.concurrent.Future<? super Void> written) {
    if (!written.isSuccess()) {
      channel.close();
    }
  }

  /** What the upstream connection decoded: the answer's head, then its body in pieces. */
  void fromUpstream(Object msg) {
    if (msg instanceof HttpResponse response) {
      head(response);
    }
    if (msg instanceof HttpContent content) {
      content(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void head(HttpResponse response) {
    if (response.decoderResult().isFailure()) {
      channel.close();
      return;
    }
    if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      // A 100 Continue the upstream sends anyway: the gateway already answered the client's Expect itself.
      informational = true;
      return;
    }
    headersReceived = true;
    status = response.status().code();
    List<Header> received = new ArrayList<>(response.headers().size());
    for (Map.Entry<String, String> field : response.headers()) {
      received.add(new Header(field.getKey(), field.getValue()));
    }
    headers = HopByHop.strip(received);
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    if (toClient()) {
      client.sendHead(status, headers, HttpUtil.isContentLengthSet(response)
          ? HttpUtil.getContentLength(response, -1L) : -1);
    }
  }

  private void content(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (informational || done || content.decoderResult().isFailure()) {
      boolean broken = !informational && !done;
      informational &= !last;
      content.release();
      if (broken) {
        // Cut short (fewer bytes than its length, a bad chunk): the connection is closed and the answer fails.
        channel.close();
      }
      return;
    }
    if (capture != null) {
      capture.add(content.content());
    }
    boolean toClient = toClient();
    if (last) {
      succeeded(toClient);
    }
    if (toClient) {
      if (last) {
        clientAnswered = true;
      }
      client.sendContent(content, last);
    } else {
      content.release();
    }
  }

  private void succeeded(boolean toClient) {
    done = true;
    cancel(timer);
    UpstreamPool.UpstreamHandler.of(channel).unbind();
    if (requestSent && upstreamKeepAlive) {
      proxy.pool().giveBack(channel, upstream);
    } else {
      channel.close();
    }
    if (attempt != null) {
      try {
        attempt.finishAsync(status, headers, capture.body(), capture.complete());
      } catch (RuntimeException e) {
        LOG.warn("could not store the upstream's answer for a key", e);
      }
    }
    if (toClient) {
      proxy.metrics().outcome(attempt == null ? GatewayMetrics.PASSED_THROUGH : GatewayMetrics.EXECUTED);
    }
  }

  /** The upstream connection closed before the exchange ended. */
  void upstreamClosed() {
    if (done) {
      return;
    }
    if (!requestSent) {
      unreachable();
      return;
    }
    end();
    if (!headersReceived) {
      failedBeforeAnswer();
    } else if (toClient()) {
      // The answer has begun: the client sees it cut off, as it was.
      proxy.metrics().outcome(GatewayMetrics.UPSTREAM_FAILED);
      clientAnswered = true;
      client.cutOff();
    }
  }

  /** The upstream never had the whole request: it cannot have acted, so the key is released. */
  private void unreachable() {
    end();
    if (attempt != null) {
      attempt.abandonAsync();
    }
    if (toClient()) {
      proxy.metrics().outcome(GatewayMetrics.UPSTREAM_UNREACHABLE);
      answerClient(Problems.of(ProblemType.UPSTREAM_UNREACHABLE, "the upstream could not be reached; "
          + "the request was not delivered and may be retried"));
    }
  }

  /** The request was delivered, the answer never began: the upstream may have acted, the key stays held. */
  private void failedBeforeAnswer() {
    if (toClient()) {
      proxy.metrics().outcome(GatewayMetrics.UPSTREAM_FAILED);
      answerClient(Problems.of(ProblemType.UPSTREAM_FAILED, attempt == null
          ? "the upstream closed the connection without answering"
          : "the upstream closed the connection without answering; it may have acted, so this key is held "
              + "until the attempt time limit passes"));
    }
  }

  /**
   * The upstream timeout, then the exchange limit: the whole exchange is bounded (by the attempt time
   * limit when a key is held), so nothing waits forever.
   */
  private void timeUp() {
    if (done) {
      return;
    }
    long left = startNanos + proxy.exchangeLimit().toNanos() - System.nanoTime();
    if (left > 0) {
      clientTimedOut();
      if (!done) {
        timer = loop.schedule(this::timeUp, left, TimeUnit.NANOSECONDS);
      }
    } else {
      exchangeTimedOut();
    }
  }

  /** The client has waited long enough for the answer to begin. */
  private void clientTimedOut() {
    if (headersReceived || done || !toClient()) {
      return;
    }
    if (attempt != null && !requestSent) {
      // Not delivered yet: stopped here, and the key released.
      unreachable();
      return;
    }
    if (attempt == null) {
      end();
    }
    // A key whose request reached the upstream stays held while the answer may still come.
    proxy.metrics().outcome(GatewayMetrics.UPSTREAM_TIMEOUT);
    answerClient(Problems.of(ProblemType.UPSTREAM_TIMEOUT, attempt == null
        ? "the upstream did not begin to answer in time"
        : "the upstream did not begin to answer in time; it may still act, and its answer will be kept: retry "
            + "with the same key to get it"));
  }

  /** Past the exchange limit: given up; a held key then waits out the engine's attempt time limit. */
  private void exchangeTimedOut() {
    if (!done) {
      if (channel != null) {
        channel.close();
      } else {
        unreachable();
      }
    }
  }

  /** The client's body came too slowly or grew too large; true when the client may still be answered. */
  boolean clientBodyFailed() {
    boolean answer = toClient() && !headersReceived;
    end();
    if (answer) {
      clientAnswered = true;
    }
    return answer;
  }

  /** The client went away: an answer on its way is still read to the end and kept; a body still arriving is lost. */
  void clientGone() {
    clientGone = true;
    if (!done && !requestSent && body == null) {
      if (channel != null) {
        channel.close();
      } else {
        end();
      }
    }
    if (channel != null) {
      channel.config().setAutoRead(true);
    }
  }

  /** Back-pressure: the upstream is read only as fast as the client takes the answer. */
  void clientWritable(boolean writable) {
    if (channel != null && !done && !clientGone) {
      channel.config().setAutoRead(writable);
    }
  }

  private boolean toClient() {
    return !clientAnswered && !clientGone;
  }

  private void answerClient(io.idem.http.StoredResponse answer) {
    clientAnswered = true;
    client.send(answer);
  }

  /** Stops the exchange: timers off, the connection unbound and closed. */
  private void end() {
    done = true;
    cancel(timer);
    if (channel != null) {
      UpstreamPool.UpstreamHandler.of(channel).unbind();
      channel.close();
    }
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
