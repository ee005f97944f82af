package io.idem.gateway;

import io.idem.IdempotencyKey;
import io.idem.http.ProblemType;
import io.idem.http.Problems;
import io.idem.jetty.ProblemJson;
import io.idem.spi.IdempotencyStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The admin port: {@code GET /healthz} (200 when the store answers a read, else 503 problem+json) and
 * {@code GET /metrics} (Prometheus text). Anything else is a 404 problem.
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final long HEALTH_TIMEOUT_SECONDS = 5;

  private final PrometheusMeterRegistry registry;
  private final IdempotencyStore store;
  private final IdempotencyKey probe;

  AdminHandler(PrometheusMeterRegistry registry, IdempotencyStore store, String namespace) {
    this.registry = registry;
    this.store = store;
    this.probe = IdempotencyKey.of(namespace, "healthz-probe");
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      Replies.problemAndClose(ctx, 400, null);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String path = request.uri().split("\\?", 2)[0];
    boolean read = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
    if (read && path.equals("/metrics")) {
      send(ctx, keepAlive, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8));
    } else if (read && path.equals("/healthz")) {
      store.findAsync(probe).toCompletableFuture().orTimeout(HEALTH_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .whenComplete((found, failure) -> {
            if (failure == null) {
              send(ctx, keepAlive, 200, "application/json",
                  "{\"status\":\"UP\",\"store\":\"reachable\"}".getBytes(StandardCharsets.UTF_8));
            } else {
              FullHttpResponse problem = Replies.of(Problems.of(ProblemType.STORE_UNAVAILABLE,
                  "the idempotency store did not answer a read"));
              write(ctx, keepAlive, problem);
            }
          });
    } else {
      send(ctx, keepAlive, 404, ProblemJson.CONTENT_TYPE, ProblemJson.body(404));
    }
  }

  private static void send(ChannelHandlerContext ctx, boolean keepAlive, int status, String type, byte[] body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.DATE, Replies.date());
    write(ctx, keepAlive, response);
  }

  private static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
