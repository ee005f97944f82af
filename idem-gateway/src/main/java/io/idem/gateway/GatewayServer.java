package io.idem.gateway;

import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.http.HttpIdempotency;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.jetty.ServerLimits;
import io.idem.micrometer.IdempotencyMetrics;
import io.idem.spi.IdempotencyStore;
import io.idem.storeuri.StoreUri;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gateway: a Netty server whose connections apply Idem's HTTP semantics and forward to the upstream
 * on kept-alive connections of their own event loop, the store the options name, the engine, and (with
 * an admin port) health and Prometheus metrics. Closing it stops all of them.
 */
public final class GatewayServer implements AutoCloseable {

  /** The least time a held key waits for a late upstream answer; at least the lease. */
  static final Duration ATTEMPT_TIME_LIMIT = Duration.ofMinutes(10);
  /** Largest request line: longer ones get 414. */
  private static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;
  /** The admin port reads small requests whole. */
  private static final int MAX_ADMIN_REQUEST_BYTES = 64 * 1024;

  private final Transport transport;
  private final Idempotency engine;
  private final IdempotencyStore store;
  private final Channel proxyChannel;
  private final Channel adminChannel;

  private GatewayServer(Transport transport, Idempotency engine, IdempotencyStore store, Channel proxyChannel,
      Channel adminChannel) {
    this.transport = transport;
    this.engine = engine;
    this.store = store;
    this.proxyChannel = proxyChannel;
    this.adminChannel = adminChannel;
  }

  /** Starts the gateway with the default server limits, but the options' connections per client. */
  public static GatewayServer start(GatewayOptions options) throws Exception {
    return start(options, ServerLimits.custom().maxConnectionsPerClient(options.connectionsPerClient()).build());
  }

  public static GatewayServer start(GatewayOptions options, ServerLimits limits) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IdempotencyStore store = StoreUri.open(options.store());
    Idempotency engine = null;
    Transport transport = null;
    try {
      Duration attemptLimit = options.lease().compareTo(ATTEMPT_TIME_LIMIT) > 0 ? options.lease() : ATTEMPT_TIME_LIMIT;
      engine = Idempotency.create(store, IdempotencyConfig.custom()
          .lease(options.lease())
          .retention(options.retention())
          .attemptTimeLimit(attemptLimit)
          .listener(IdempotencyMetrics.register(registry))
          .build());
      HttpIdempotency http = HttpIdempotency.create(engine, HttpIdempotencyConfig.custom()
          .namespace(options.namespace())
          .requireKeyOnPaths(options.requireKey().toArray(String[]::new))
          .tenantResolver(options.tenant().resolver())
          .build());
      transport = Transport.create();
      ProxyContext proxy = new ProxyContext(http, new Routes(options.upstream(), options.routes()),
          new UpstreamPool(transport), new GatewayMetrics(registry), limits, options.upstreamTimeout(), attemptLimit);
      Channel proxyChannel = bind(transport, options.port(), proxyPort(proxy));
      Channel adminChannel = options.adminPort() == GatewayOptions.NO_ADMIN_PORT ? null
          : bind(transport, options.adminPort(), adminPort(new AdminHandler(registry, store, options.namespace()),
              limits));
      return new GatewayServer(transport, engine, store, proxyChannel, adminChannel);
    } catch (Exception | Error e) {
      stopQuietly(transport, engine, store, e);
      throw e;
    }
  }

  /** A proxy connection: the limits first, then HTTP, then one request at a time. */
  private static ChannelInitializer<SocketChannel> proxyPort(ProxyContext proxy) {
    ServerLimits limits = proxy.limits();
    ConnectionLimits connections = new ConnectionLimits(limits.maxConnections(), limits.maxConnectionsPerClient());
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        channel.config().setAutoRead(false);
        HeadDeadline headDeadline = new HeadDeadline(limits.headerTimeout().toNanos());
        channel.pipeline().addLast(
            connections,
            // Idle means nothing read: while a request is in progress the connection ignores it.
            new IdleStateHandler(limits.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS),
            headDeadline,
            new HttpServerCodec(MAX_REQUEST_LINE_BYTES, limits.maxRequestHeaderBytes(), 64 * 1024),
            new ClientConnection(proxy, headDeadline));
      }
    };
  }

  private static ChannelInitializer<SocketChannel> adminPort(AdminHandler admin, ServerLimits limits) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        channel.pipeline().addLast(
            new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS),
            new HttpServerCodec(MAX_REQUEST_LINE_BYTES, limits.maxRequestHeaderBytes(), 8 * 1024),
            new HttpObjectAggregator(MAX_ADMIN_REQUEST_BYTES),
            admin);
      }
    };
  }

  private static Channel bind(Transport transport, int port, ChannelInitializer<SocketChannel> connections)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(transport.loops())
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(connections)
        .bind(port)
        .sync()
        .channel();
  }

  /** The proxy's port (the chosen one when started with port 0). */
  public int port() {
    return ((InetSocketAddress) proxyChannel.localAddress()).getPort();
  }

  /** The admin port, or -1 when there is none. */
  public int adminPort() {
    return adminChannel == null ? GatewayOptions.NO_ADMIN_PORT
        : ((InetSocketAddress) adminChannel.localAddress()).getPort();
  }

  @Override
  public void close() throws Exception {
    Exception failure = new Exception("stopping the gateway failed");
    for (Channel listening : new Channel[] {proxyChannel, adminChannel}) {
      if (listening != null) {
        listening.close().awaitUninterruptibly();
      }
    }
    stopQuietly(transport, engine, store, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private static void stopQuietly(Transport transport, Idempotency engine, IdempotencyStore store,
      Throwable failures) {
    AutoCloseable[] parts = {
        transport == null ? null : () -> transport.loops().shutdownGracefully(0, 5, TimeUnit.SECONDS).sync(),
        engine,
        store};
    for (AutoCloseable part : parts) {
      if (part != null) {
        try {
          part.close();
        } catch (Exception e) {
          failures.addSuppressed(e);
        }
      }
    }
  }
}
