package io.idem.gateway;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The gateway's event loops: one per core, each serving its client connections and their upstream
 * connections, so a forwarded request never changes thread. Linux's epoll where Netty's native
 * library loads, Java's NIO elsewhere.
 */
record Transport(EventLoopGroup loops, Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel) {

  static Transport create() {
    int threads = Runtime.getRuntime().availableProcessors();
    DefaultThreadFactory names = new DefaultThreadFactory("idem-gateway");
    if (Epoll.isAvailable()) {
      return new Transport(new EpollEventLoopGroup(threads, names), EpollServerSocketChannel.class,
          EpollSocketChannel.class);
    }
    return new Transport(new NioEventLoopGroup(threads, names), NioServerSocketChannel.class, NioSocketChannel.class);
  }
}
