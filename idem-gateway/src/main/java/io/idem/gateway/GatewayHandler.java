package io.idem.gateway;

import io.idem.http.HttpAttempt;
import io.idem.http.HttpDecision;
import io.idem.http.HttpIdempotency;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.http.ProblemType;
import io.idem.http.Problems;
import io.idem.http.StoredResponse;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Every proxied request: normalise the path, buffer the body when a key makes it part of the
 * fingerprint, ask {@link HttpIdempotency#beginAsync} what to do, and do it (forward, or answer from
 * the store, or answer the problem). No thread waits: the body, the store and the upstream are all
 * read asynchronously.
 */
final class GatewayHandler extends Handler.Abstract.NonBlocking {

  private final HttpIdempotency http;
  private final Routes routes;
  private final HttpClient client;
  private final Duration upstreamTimeout;
  private final Duration exchangeLimit;
  private final GatewayMetrics metrics;

  GatewayHandler(HttpIdempotency http, Routes routes, HttpClient client, Duration upstreamTimeout,
      Duration exchangeLimit, GatewayMetrics metrics) {
    this.http = http;
    this.routes = routes;
    this.client = client;
    this.upstreamTimeout = upstreamTimeout;
    this.exchangeLimit = exchangeLimit;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    ProxyRequestView view = new ProxyRequestView(request);
    if (view.unsafePath() != null) {
      // Whatever the method: there is no path to forward that the upstream would read as Idem did.
      answer(Problems.of(ProblemType.PATH_INVALID, view.unsafePath().getMessage()), response, callback);
      return true;
    }
    URI target;
    try {
      target = target(routes.upstreamOf(view.path()), view);
    } catch (IllegalArgumentException e) {
      answer(Problems.of(ProblemType.PATH_INVALID, "the request target cannot be forwarded as a URI: "
          + e.getMessage()), response, callback);
      return true;
    }
    bodyIfKeyed(request, view).whenComplete((ignored, failure) -> decide(target, view, request, response, callback));
    return true;
  }

  private void decide(URI target, ProxyRequestView view, Request request, Response response, Callback callback) {
    try {
      http.beginAsync(view).whenComplete((decision, error) -> {
        if (error != null) {
          callback.failed(error);
        } else {
          act(decision, target, view, request, response, callback);
        }
      });
    } catch (RuntimeException | Error unexpected) {
      // Nothing may be left unanswered: Jetty's error handler turns this into a 500 problem.
      callback.failed(unexpected);
    }
  }

  private void act(HttpDecision decision, URI target, ProxyRequestView view, Request request, Response response,
      Callback callback) {
    if (decision instanceof HttpDecision.Respond respond) {
      answer(respond.response(), response, callback);
      return;
    }
    HttpAttempt attempt = decision instanceof HttpDecision.Execute execute ? execute.attempt() : null;
    try {
      new UpstreamCall(request, response, callback, attempt, metrics)
          .start(client, target, view.bodyIfRead(), upstreamTimeout, exchangeLimit, request.getComponents().getScheduler());
    } catch (RuntimeException e) {
      // Nothing was sent: the key must not stay held by a request that never left the gateway.
      if (attempt != null) {
        attempt.abandonAsync();
      }
      callback.failed(e);
    }
  }

  private void answer(StoredResponse answer, Response response, Callback callback) {
    metrics.outcome(answer.headerValues(HttpIdempotency.REPLAYED_HEADER).isEmpty()
        ? answer.status() == 503 ? GatewayMetrics.STORE_UNAVAILABLE : GatewayMetrics.REFUSED
        : GatewayMetrics.REPLAYED);
    Replies.send(response, answer, callback);
  }

  /**
   * Reads the body first when the request carries a key on a covered method: the fingerprint needs it,
   * and the decision must not block on the client. Other requests stream through unread.
   */
  private CompletableFuture<Void> bodyIfKeyed(Request request, ProxyRequestView view) {
    HttpIdempotencyConfig config = http.config();
    if (!config.methods().contains(request.getMethod())
        || !request.getHeaders().contains(config.headerName())) {
      return CompletableFuture.completedFuture(null);
    }
    int limit = config.maxRequestBodyBytes();
    if (request.getLength() > limit) {
      view.bodyTooLarge(limit);
      return CompletableFuture.completedFuture(null);
    }
    return Content.Source.asByteArrayAsync(request, limit).handle((bytes, failure) -> {
      if (failure == null) {
        view.bodyRead(bytes);
      } else if (unwrap(failure) instanceof IllegalArgumentException) {
        view.bodyTooLarge(limit);
      } else {
        view.bodyUnreadable(unwrap(failure));
      }
      return null;
    });
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
  }

  /** The upstream's base path, then the normalised path, then the query as sent. */
  private static URI target(URI upstream, ProxyRequestView view) {
    String query = view.query();
    return URI.create(upstream + view.path() + (query.isEmpty() ? "" : "?" + query));
  }
}
