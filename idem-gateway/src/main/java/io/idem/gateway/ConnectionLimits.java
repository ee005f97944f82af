package io.idem.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code maxPerClient} open connections per client address and {@code max} in all; a
 * connection over either is closed as soon as it opens. With HTTP/1.1 a connection carries one request
 * at a time, so this bounds what one client can hold. Behind a load balancer every client shares its
 * address: raise the per-client limit there.
 */
@ChannelHandler.Sharable
final class ConnectionLimits extends ChannelInboundHandlerAdapter {

  private final int max;
  private final int maxPerClient;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();

  ConnectionLimits(int max, int maxPerClient) {
    this.max = max;
    this.maxPerClient = maxPerClient;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    InetAddress client = ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    if (!admit(client)) {
      ctx.close();
      return;
    }
    ctx.channel().closeFuture().addListener(closed -> release(client));
    ctx.fireChannelActive();
    ctx.pipeline().remove(this);
  }

  private boolean admit(InetAddress client) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    if (client == null) {
      return true;
    }
    boolean[] admitted = {false};
    perClient.compute(client, (address, count) -> {
      int now = count == null ? 0 : count;
      admitted[0] = now < maxPerClient;
      return admitted[0] ? now + 1 : count;
    });
    if (!admitted[0]) {
      open.decrementAndGet();
    }
    return admitted[0];
  }

  private void release(InetAddress client) {
    open.decrementAndGet();
    if (client != null) {
      perClient.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
    }
  }
}
