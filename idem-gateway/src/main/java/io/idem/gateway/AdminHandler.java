package io.idem.gateway;

import io.idem.IdempotencyKey;
import io.idem.http.ProblemType;
import io.idem.http.Problems;
import io.idem.spi.IdempotencyStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin port: {@code GET /healthz} (200 when the store answers a read, else 503 problem+json) and
 * {@code GET /metrics} (Prometheus text). Anything else is a 404 problem.
 */
final class AdminHandler extends Handler.Abstract.NonBlocking {

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
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
      return false;
    }
    if (path.equals("/metrics")) {
      send(response, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape(), callback);
      return true;
    }
    if (path.equals("/healthz")) {
      store.findAsync(probe).toCompletableFuture().orTimeout(HEALTH_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .whenComplete((found, failure) -> {
            if (failure == null) {
              send(response, 200, "application/json", "{\"status\":\"UP\",\"store\":\"reachable\"}", callback);
            } else {
              Replies.send(response, Problems.of(ProblemType.STORE_UNAVAILABLE, "the idempotency store did not "
                  + "answer a read"), callback);
            }
          });
      return true;
    }
    return false;
  }

  private static void send(Response response, int status, String type, String body, Callback callback) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
