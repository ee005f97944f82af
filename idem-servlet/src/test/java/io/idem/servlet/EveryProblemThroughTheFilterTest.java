package io.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyConfig.FailurePolicy;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.http.ProblemType;
import io.idem.memory.MemoryStore;
import io.idem.spi.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every problem type the filter can answer, provoked through a real Jetty and a raw HTTP client: the
 * status, the stable type URI and the problem+json content type. A new problem type fails this test
 * until it has a scenario here (or is listed as one only a proxy answers).
 */
class EveryProblemThroughTheFilterTest {

  private static final String BODY = "{\"amount\":100}";
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() throws Exception {
    release.countDown();
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private int start(IdempotencyStore store, IdempotencyConfig engineConfig, HttpIdempotencyConfig http,
      TestServlet.Handler handler) throws Exception {
    Idempotency engine = Idempotency.create(store, engineConfig);
    resources.add(engine);
    JettyServer jetty = JettyServer.builder().filter(IdempotencyFilter.create(engine, http))
        .servlet("/*", new TestServlet(handler)).start();
    resources.add(jetty);
    return jetty.uri("/").getPort();
  }

  private int start(HttpIdempotencyConfig http, TestServlet.Handler handler) throws Exception {
    return start(MemoryStore.create(), IdempotencyConfig.ofDefaults(), http, handler);
  }

  private static void created(jakarta.servlet.http.HttpServletRequest request,
      jakarta.servlet.http.HttpServletResponse response, int run) throws Exception {
    request.getInputStream().readAllBytes();
    response.setStatus(201);
    response.getOutputStream().write(("payment " + run).getBytes(StandardCharsets.UTF_8));
  }

  private static RawHttp.Response post(int port, String key, String body) throws Exception {
    return RawHttp.send(port, "POST", "/payments", key == null ? Map.of() : Map.of("Idempotency-Key", key), body);
  }

  @ParameterizedTest
  @EnumSource(value = ProblemType.class, mode = EnumSource.Mode.EXCLUDE,
      // A proxy's (idem-gateway tests them); and PATH_INVALID, which only an adapter that sees raw paths
      // answers: a servlet container rejects unsafe paths itself before any filter (PathSpellingTest).
      names = {"UPSTREAM_UNREACHABLE", "UPSTREAM_FAILED", "UPSTREAM_TIMEOUT", "PATH_INVALID"})
  void filterAnswersTheProblem(ProblemType problem) throws Exception {
    RawHttp.Response answer = provoke(problem);
    assertThat(answer.status()).as("%s status", problem).isEqualTo(problem.status());
    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    assertThat(answer.body()).contains("\"type\":\"" + problem.type() + "\"");
  }

  private RawHttp.Response provoke(ProblemType problem) throws Exception {
    HttpIdempotencyConfig defaults = HttpIdempotencyConfig.ofDefaults();
    switch (problem) {
      case KEY_MISSING: {
        int port = start(HttpIdempotencyConfig.custom().requireKeyOnPaths("/payments").build(),
            EveryProblemThroughTheFilterTest::created);
        return post(port, null, BODY);
      }
      case KEY_MALFORMED:
        return post(start(defaults, EveryProblemThroughTheFilterTest::created), "\"unterminated", BODY);
      case TENANT_INVALID: {
        int port = start(HttpIdempotencyConfig.custom().tenantResolver(request -> "t".repeat(300)).build(),
            EveryProblemThroughTheFilterTest::created);
        return post(port, "k", BODY);
      }
      case REQUEST_UNREADABLE: {
        int port = start(defaults, EveryProblemThroughTheFilterTest::created);
        return RawHttp.sendTruncated(port, "/payments", Map.of("Idempotency-Key", "k"), "{\"amo", 50);
      }
      case REQUEST_TOO_LARGE: {
        int port = start(HttpIdempotencyConfig.custom().maxRequestBodyBytes(4).build(),
            EveryProblemThroughTheFilterTest::created);
        return post(port, "k", BODY);
      }
      case REQUEST_IN_PROGRESS: {
        CountDownLatch running = new CountDownLatch(1);
        int port = start(defaults, (request, response, run) -> {
          running.countDown();
          release.await(30, TimeUnit.SECONDS);
          response.setStatus(201);
        });
        Thread first = new Thread(() -> {
          try {
            post(port, "k", BODY);
          } catch (Exception ignored) {
            // the test only needs it to hold the key
          }
        });
        first.start();
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        return post(port, "k", BODY);
      }
      case KEY_REUSED: {
        int port = start(defaults, EveryProblemThroughTheFilterTest::created);
        post(port, "k", BODY);
        return post(port, "k", "{\"amount\":999}");
      }
      case RESPONSE_NOT_STORED: {
        int port = start(HttpIdempotencyConfig.custom().maxStoredResponseBytes(3).build(),
            EveryProblemThroughTheFilterTest::created);
        post(port, "k", BODY);
        return post(port, "k", BODY);
      }
      case STORED_FAILURE: {
        int port = start(MemoryStore.create(), IdempotencyConfig.custom().failurePolicy(FailurePolicy.STORE).build(),
            defaults, (request, response, run) -> {
              throw new IllegalStateException("declined");
            });
        post(port, "k", BODY);
        return post(port, "k", BODY);
      }
      case RECORD_UNREADABLE: {
        MemoryStore store = MemoryStore.create();
        int port = start(store, IdempotencyConfig.ofDefaults(), defaults, EveryProblemThroughTheFilterTest::created);
        // Bytes another program wrote under the key, with this request's fingerprint.
        IdempotencyKey key = IdempotencyKey.of(HttpIdempotencyConfig.DEFAULT_NAMESPACE, "", "k");
        Fingerprint fingerprint = Fingerprint.sha256("POST".getBytes(StandardCharsets.UTF_8),
            "/payments".getBytes(StandardCharsets.UTF_8), new byte[0], BODY.getBytes(StandardCharsets.UTF_8));
        LeaseToken token = LeaseToken.random();
        store.reserve(key, fingerprint, token, Duration.ofMinutes(1));
        store.complete(key, token, "not Idem's".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(1));
        return post(port, "k", BODY);
      }
      case STORE_UNAVAILABLE:
        return post(start(new UnreachableStore(), IdempotencyConfig.ofDefaults(), defaults,
            EveryProblemThroughTheFilterTest::created), "k", BODY);
      case STORE_FULL: {
        MemoryStore full = MemoryStore.builder().maximumSize(1).whenFull(MemoryStore.WhenFull.REFUSE_NEW).build();
        full.reserve(IdempotencyKey.of("other", "held"), Fingerprint.of("x"), LeaseToken.random(), Duration.ofMinutes(1));
        return post(start(full, IdempotencyConfig.ofDefaults(), defaults, EveryProblemThroughTheFilterTest::created),
            "k", BODY);
      }
      default:
        throw new AssertionError("no scenario for " + problem + ": add one, or list it as a proxy's");
    }
  }
}
