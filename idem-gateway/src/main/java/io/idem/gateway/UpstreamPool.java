package io.idem.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Kept-alive connections to the upstreams, one pool per event loop: a client connection borrows a
 * connection of its own loop, so the request and its answer never change thread. A connection idle in
 * the pool for {@link #IDLE} is closed; one the upstream closed is dropped when next borrowed.
 */
final class UpstreamPool {

  /**
   * Shorter than the keep-alive timeouts upstream servers commonly use (Node.js and uvicorn: 5 s): an
   * upstream that closes an idle connection just as the gateway sends a request on it would turn a
   * request it never read into an "upstream failed" (decision 0701), with the key held.
   */
  static final Duration IDLE = Duration.ofSeconds(4);
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  /** Idle connections kept per upstream and loop; more are closed when returned. */
  private static final int MAX_IDLE = 256;

  private final Transport transport;
  private final SslContext tls;
  private final FastThreadLocal<Map<String, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
    @Override
    protected Map<String, ArrayDeque<Channel>> initialValue() {
      return new HashMap<>();
    }
  };

  UpstreamPool(Transport transport) {
    this.transport = transport;
    try {
      this.tls = SslContextBuilder.forClient().build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS for https upstreams: " + e.getMessage(), e);
    }
  }

  /** A connection to {@code upstream} on {@code loop}, kept or new; called on {@code loop}. */
  ChannelFuture borrow(EventLoop loop, Upstream upstream) {
    ArrayDeque<Channel> kept = idle.get().get(upstream.poolKey());
    while (kept != null && !kept.isEmpty()) {
      Channel channel = kept.pollLast();
      if (channel.isActive()) {
        return channel.newSucceededFuture();
      }
    }
    return new Bootstrap()
        .group(loop)
        .channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            if (upstream.tls()) {
              channel.pipeline().addLast(tlsHandler(channel, upstream));
            }
            channel.pipeline().addLast(
                new IdleStateHandler(0, 0, IDLE.toMillis(), TimeUnit.MILLISECONDS),
                new HttpClientCodec(),
                new UpstreamHandler());
          }
        })
        .connect(upstream.host(), upstream.port());
  }

  /** Keeps a connection whose exchange ended cleanly for the next request on the same loop. */
  void giveBack(Channel channel, Upstream upstream) {
    Map<String, ArrayDeque<Channel>> pools = idle.get();
    ArrayDeque<Channel> kept = pools.computeIfAbsent(upstream.poolKey(), key -> new ArrayDeque<>());
    if (kept.size() >= MAX_IDLE || !channel.isActive()) {
      channel.close();
      return;
    }
    // One the upstream closes meanwhile stays until it is next borrowed (and skipped) or the pool is full.
    kept.addLast(channel);
  }

  private SslHandler tlsHandler(SocketChannel channel, Upstream upstream) {
    SslHandler handler = tls.newHandler(channel.alloc(), upstream.host(), upstream.port());
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    return handler;
  }

  /**
   * The end of an upstream connection's pipeline: hands what arrives to the call that borrowed it,
   * and closes it when it has sat idle.
   */
  static final class UpstreamHandler extends io.netty.channel.ChannelInboundHandlerAdapter {

    private UpstreamCall call;

    static UpstreamHandler of(Channel channel) {
      return channel.pipeline().get(UpstreamHandler.class);
    }

    void bind(UpstreamCall call) {
      this.call = call;
    }

    void unbind() {
      this.call = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (call != null) {
        call.fromUpstream(msg);
      } else {
        // Nothing asked for it (an answer after the exchange ended): the connection cannot be trusted.
        io.netty.util.ReferenceCountUtil.release(msg);
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (call != null) {
        call.upstreamClosed();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent && call == null) {
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
