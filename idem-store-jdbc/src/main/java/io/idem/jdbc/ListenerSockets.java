package io.idem.jdbc;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import javax.net.SocketFactory;

/**
 * The sockets the PostgreSQL listener connects with, so that it hands each notification to its
 * waiters as it arrives (decision 0210, addendum 2).
 *
 * <p>pgjdbc's {@code getNotifications} returns only once no byte arrives for 1 ms: after each message
 * it probes the socket with a 1 ms read timeout. While completions stream in faster than one a
 * millisecond (1,000 in a burst, or a busy service), every notification of the stream is held until it
 * pauses: 195 ms at the p99 for 1,000 completions in a row. These sockets answer that probe at once
 * when nothing is buffered, so a call returns with what has arrived. Every other read blocks as before;
 * under TLS the probe reaches the plain socket below, which is the same timeout pgjdbc's probe
 * already meets there, only sooner.
 */
final class ListenerSockets {

  /** The read timeout pgjdbc sets only to probe for a pending message. */
  private static final int PROBE_TIMEOUT_MILLIS = 1;
  private static final AtomicLong OPENED = new AtomicLong();

  private ListenerSockets() {}

  /** How many of these sockets pgjdbc has opened in this JVM: shows that a listener connected through them. */
  static long opened() {
    return OPENED.get();
  }

  /**
   * The connection properties that make pgjdbc connect through {@link Factory}, or none when pgjdbc
   * cannot load it (a driver in a parent class loader, as in an application server's library folder):
   * the listener then works at pgjdbc's own pace.
   */
  static Map<String, String> connectionProperties() {
    try {
      Class.forName(Factory.class.getName(), false, org.postgresql.Driver.class.getClassLoader());
      return Map.of("socketFactory", Factory.class.getName());
    } catch (ClassNotFoundException | LinkageError notVisible) {
      return Map.of();
    }
  }

  /** Public only because pgjdbc creates it by its class name; not an API. */
  public static final class Factory extends SocketFactory {

    /** Called by pgjdbc. */
    public Factory() {
      // nothing to configure
    }

    @Override
    public Socket createSocket() {
      return new PromptSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return createSocket(InetAddress.getByName(host), port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return createSocket(InetAddress.getByName(host), port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort) throws IOException {
      return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
      Socket socket = new PromptSocket();
      try {
        if (local != null) {
          socket.bind(local);
        }
        socket.connect(remote);
        return socket;
      } catch (IOException e) {
        socket.close();
        throw e;
      }
    }
  }

  /** A socket whose reads under the probe timeout fail at once when nothing has arrived. */
  private static final class PromptSocket extends Socket {

    private volatile int readTimeout;
    private InputStream input;

    PromptSocket() {
      OPENED.incrementAndGet();
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
      super.setSoTimeout(timeout);
      readTimeout = timeout;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (input == null) {
        input = new ProbeAnsweringStream(super.getInputStream(), () -> readTimeout);
      }
      return input;
    }
  }

  /**
   * A socket's input that answers pgjdbc's probe (a read under the {@value #PROBE_TIMEOUT_MILLIS} ms
   * timeout) with a timeout at once when nothing has arrived, instead of waiting out the millisecond.
   */
  static final class ProbeAnsweringStream extends FilterInputStream {

    private final IntSupplier readTimeout;

    ProbeAnsweringStream(InputStream socketInput, IntSupplier readTimeout) {
      super(socketInput);
      this.readTimeout = readTimeout;
    }

    @Override
    public int read() throws IOException {
      answerProbe();
      return super.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      answerProbe();
      return super.read(buffer, offset, length);
    }

    private void answerProbe() throws IOException {
      if (readTimeout.getAsInt() == PROBE_TIMEOUT_MILLIS && in.available() == 0) {
        throw new SocketTimeoutException("no message pending");
      }
    }
  }
}
