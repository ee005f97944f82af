package io.idem.benchmarks.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One kind of load: closed-loop connections, each a raw keep-alive HTTP/1.1 socket, so the client
 * spends next to nothing per request and the server is what is measured. Results add up over runs.
 */
final class LoadPhase {

  static final byte[] BODY = body(1024);
  private static final int HISTOGRAM_MICROS = 200_000;

  private final String name;
  private final int port;
  private final KeySource keys;
  private final ConcurrentMap<Integer, List<String>> completedByConnection = new ConcurrentHashMap<>();
  private AtomicLongArray histogram = new AtomicLongArray(HISTOGRAM_MICROS + 1);
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong totalMicros = new AtomicLong();
  private long elapsedNanos;

  LoadPhase(String name, int port, KeySource keys) {
    this.name = name;
    this.port = port;
    this.keys = keys;
  }

  String name() {
    return name;
  }

  /** Forgets the measurements (not the completed keys). */
  void reset() {
    histogram = new AtomicLongArray(HISTOGRAM_MICROS + 1);
    requests.set(0);
    errors.set(0);
    totalMicros.set(0);
    elapsedNanos = 0;
  }

  String completedKey(int connection, long index) {
    List<String> keysOfConnection = completedByConnection.get(connection % completedByConnection.size());
    return keysOfConnection.get((int) (index % keysOfConnection.size()));
  }

  void run(int connections, int seconds) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int connection = c;
      Thread thread = new Thread(() -> drive(connection, deadline), "load-" + name + "-" + c);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    elapsedNanos += System.nanoTime() - start;
  }

  private void drive(int connection, long deadline) {
    List<String> completed = completedByConnection.computeIfAbsent(connection, c -> new CopyOnWriteArrayList<>());
    List<String> completedHere = new ArrayList<>();
    try (Socket socket = new Socket("localhost", port)) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      long index = 0;
      while (System.nanoTime() < deadline) {
        String key = keys.next(connection, index++);
        long sent = System.nanoTime();
        out.write(request(key));
        out.flush();
        Response response = Response.read(in);
        long micros = (System.nanoTime() - sent) / 1000;
        histogram.incrementAndGet((int) Math.min(micros, HISTOGRAM_MICROS));
        totalMicros.addAndGet(micros);
        requests.incrementAndGet();
        if (response.status() != 201) {
          errors.incrementAndGet();
        } else if (!response.replayed()) {
          completedHere.add(key);
        }
      }
    } catch (IOException e) {
      errors.incrementAndGet();
      System.err.println(name + ": connection " + connection + " failed: " + e);
    }
    completed.addAll(completedHere);
  }

  private byte[] request(String key) {
    String head = "POST /payments HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Authorization: Bearer bench\r\nIdempotency-Key: " + key + "\r\nContent-Length: " + BODY.length + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = new byte[headBytes.length + BODY.length];
    System.arraycopy(headBytes, 0, bytes, 0, headBytes.length);
    System.arraycopy(BODY, 0, bytes, headBytes.length, BODY.length);
    return bytes;
  }

  Result result() {
    long[] counts = new long[histogram.length()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = histogram.get(i);
    }
    return new Result(requests.get(), errors.get(), elapsedNanos, totalMicros.get(), counts);
  }

  /** Throughput and latency of all runs of a phase. */
  record Result(long requests, long errors, long elapsedNanos, long totalMicros, long[] histogram) {
    double requestsPerSecond() {
      return requests * 1e9 / elapsedNanos;
    }

    double meanMillis() {
      return requests == 0 ? 0 : totalMicros / 1000.0 / requests;
    }

    double percentileMillis(double p) {
      long target = (long) Math.ceil(requests * p);
      long seen = 0;
      for (int micros = 0; micros < histogram.length; micros++) {
        seen += histogram[micros];
        if (seen >= target) {
          return micros / 1000.0;
        }
      }
      return histogram.length / 1000.0;
    }
  }

  /** The parts of an HTTP/1.1 response the driver checks; the body is read and dropped. */
  record Response(int status, boolean replayed) {
    static Response read(InputStream in) throws IOException {
      String statusLine = line(in);
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean replayed = false;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("idempotent-replayed:")) {
          replayed = lower.substring(20).trim().equals("true");
        }
      }
      if (length < 0) {
        throw new IOException("response without Content-Length: " + statusLine);
      }
      in.skipNBytes(length);
      return new Response(status, replayed);
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder(64);
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("connection closed mid-response");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }
  }

  /** A valid payment padded with a description to exactly {@code size} bytes. */
  private static byte[] body(int size) {
    String start = "{\"amount\":1250,\"currency\":\"EUR\",\"description\":\"";
    String end = "\"}";
    return (start + "x".repeat(size - start.length() - end.length()) + end).getBytes(StandardCharsets.US_ASCII);
  }
}
