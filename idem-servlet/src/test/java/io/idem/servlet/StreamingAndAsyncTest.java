package io.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.idem.Idempotency;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.memory.MemoryStore;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Large and streamed responses, and asynchronous servlets, through a real Jetty. */
class StreamingAndAsyncTest {

  private static final int MIB = 1024 * 1024;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }

  private JettyServer start(TestServlet servlet) throws Exception {
    Idempotency engine = Idempotency.create(MemoryStore.create());
    resources.add(engine);
    JettyServer jetty = JettyServer.builder()
        .filter(IdempotencyFilter.create(engine, HttpIdempotencyConfig.ofDefaults()))
        .servlet("/*", servlet)
        .start();
    resources.add(jetty);
    return jetty;
  }

  private static void awaitFirstRun(TestServlet servlet) {
    await("the first request reaching the servlet").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> servlet.runs() > 0);
    assertThat(servlet.runs()).as("only the first request reached the servlet").isEqualTo(1);
  }

  private static byte[] chunk(int index) {
    byte[] bytes = new byte[MIB];
    java.util.Arrays.fill(bytes, (byte) ('a' + index));
    return bytes;
  }

  @Test
  void fiveMibStreamedResponseReachesClientWhileHandlerRunsAndRetryGetsResponseNotStored() throws Exception {
    CountDownLatch clientHasFirstChunk = new CountDownLatch(1);
    TestServlet servlet = new TestServlet((request, response, run) -> {
      response.setStatus(200);
      response.setContentType("application/octet-stream");
      ServletOutputStream out = response.getOutputStream();
      out.write(chunk(0));
      out.flush();
      // Only a flush that really reaches the client lets the test read the first chunk and go on.
      if (!clientHasFirstChunk.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the flushed chunk never reached the client");
      }
      for (int i = 1; i < 5; i++) {
        out.write(chunk(i));
        out.flush();
      }
    });
    JettyServer jetty = start(servlet);

    HttpResponse<InputStream> streamed = Http.CLIENT.send(
        Http.post(jetty.uri("/report"), "big", "x".getBytes(StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    byte[] received;
    try (InputStream in = streamed.body()) {
      byte[] first = in.readNBytes(MIB);
      clientHasFirstChunk.countDown();
      byte[] rest = in.readAllBytes();
      received = new byte[first.length + rest.length];
      System.arraycopy(first, 0, received, 0, first.length);
      System.arraycopy(rest, 0, received, first.length, rest.length);
    }
    HttpResponse<String> retry = Http.post(jetty.uri("/report"), "big", "x");

    assertThat(received).hasSize(5 * MIB);
    for (int i = 0; i < 5; i++) {
      assertThat(java.util.Arrays.copyOfRange(received, i * MIB, (i + 1) * MIB)).isEqualTo(chunk(i));
    }
    assertThat(servlet.runs()).isEqualTo(1);
    assertThat(retry.statusCode()).isEqualTo(410);
    assertThat(retry.body()).contains("https://idem.io/problems/response-not-stored").contains("\"original_status\":200");
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
  }

  @Test
  void responseJustUnderTheLimitIsReplayedByteForByte() throws Exception {
    byte[] body = new byte[HttpIdempotencyConfig.DEFAULT_MAX_STORED_RESPONSE_BYTES];
    new java.util.Random(7).nextBytes(body);
    TestServlet servlet = new TestServlet((request, response, run) -> {
      response.setStatus(200);
      response.getOutputStream().write(body);
    });
    JettyServer jetty = start(servlet);

    Http.post(jetty.uri("/report"), "exact", "x");
    HttpResponse<byte[]> retry = Http.CLIENT.send(
        Http.post(jetty.uri("/report"), "exact", "x".getBytes(StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(servlet.runs()).isEqualTo(1);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(retry.body()).isEqualTo(body);
  }

  @Test
  void asyncServletResponseIsStoredWhenTheExchangeCompletesAndReplayed() throws Exception {
    TestServlet servlet = new TestServlet((request, response, run) -> {
      AsyncContext async = request.startAsync();
      async.start(() -> {
        try {
          async.getResponse().setContentType("text/plain");
          ((jakarta.servlet.http.HttpServletResponse) async.getResponse()).setStatus(202);
          async.getResponse().getWriter().write("async run " + run);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        } finally {
          async.complete();
        }
      });
    });
    JettyServer jetty = start(servlet);

    HttpResponse<String> first = Http.post(jetty.uri("/jobs"), "job-1", "x");
    HttpResponse<String> retry = Http.post(jetty.uri("/jobs"), "job-1", "x");

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.body()).isEqualTo("async run 1");
    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(retry.body()).isEqualTo("async run 1");
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(servlet.runs()).isEqualTo(1);
  }

  @Test
  void asyncServletThatDispatchesIsFinishedOnceAndReplayed() throws Exception {
    TestServlet servlet = new TestServlet((request, response, run) -> {
      if (request.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
        response.setStatus(201);
        response.getWriter().write("dispatched");
        return;
      }
      AsyncContext async = request.startAsync();
      async.start(async::dispatch);
    });
    JettyServer jetty = start(servlet);

    HttpResponse<String> first = Http.post(jetty.uri("/jobs"), "job-2", "x");
    HttpResponse<String> retry = Http.post(jetty.uri("/jobs"), "job-2", "x");

    assertThat(first.body()).isEqualTo("dispatched");
    assertThat(retry.body()).isEqualTo("dispatched");
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(servlet.runs()).isEqualTo(2);
  }

  @Test
  void asyncTimeoutReleasesTheKeySoRetryRunsAgain() throws Exception {
    TestServlet servlet = new TestServlet((request, response, run) -> {
      if (run == 1) {
        AsyncContext async = request.startAsync();
        async.setTimeout(50);
        return;
      }
      response.setStatus(201);
      response.getWriter().write("second");
    });
    JettyServer jetty = start(servlet);

    HttpResponse<String> timedOut = Http.post(jetty.uri("/jobs"), "job-3", "x");
    HttpResponse<String> retry = Http.post(jetty.uri("/jobs"), "job-3", "x");

    assertThat(timedOut.statusCode()).isGreaterThanOrEqualTo(500);
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo("second");
    assertThat(servlet.runs()).isEqualTo(2);
  }

  @Test
  void concurrentDuplicatesOfAnAsyncRequestRunItOnce() throws Exception {
    CountDownLatch duplicateAnswered = new CountDownLatch(1);
    TestServlet servlet = new TestServlet((request, response, run) -> {
      AsyncContext async = request.startAsync();
      async.start(() -> {
        try {
          duplicateAnswered.await(30, TimeUnit.SECONDS);
          async.getResponse().getWriter().write("once");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          async.complete();
        }
      });
    });
    JettyServer jetty = start(servlet);

    CompletableFuture<HttpResponse<String>> first = Http.postAsync(jetty.uri("/jobs"), "job-4", "x");
    awaitFirstRun(servlet);
    HttpResponse<String> duplicate = Http.post(jetty.uri("/jobs"), "job-4", "x");
    duplicateAnswered.countDown();

    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(first.get(30, TimeUnit.SECONDS).body()).isEqualTo("once");
    assertThat(servlet.runs()).isEqualTo(1);
  }
}
