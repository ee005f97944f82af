package io.idem.gateway;

import io.idem.http.HopByHop;
import io.idem.http.HttpAttempt;
import io.idem.http.ProblemType;
import io.idem.http.Problems;
import io.idem.http.StoredResponse.Header;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One request forwarded upstream, its answer streamed back to the client as it arrives and, when the
 * request holds a key, copied (up to the stored-size limit) and handed to its {@link HttpAttempt}.
 *
 * <p>What a fault does to the key (decision 0701):
 * <ul>
 *   <li>the upstream never received the whole request (refused, unreachable, reset while sending): 502
 *       {@code upstream-unreachable}, the key is released: the upstream cannot have acted;</li>
 *   <li>the whole request was sent and the answer does not begin within the upstream timeout: the client
 *       gets 504 {@code upstream-timeout}, and the gateway keeps waiting (up to the engine's attempt time
 *       limit) with the key in progress: a late answer is stored, and retries replay it;</li>
 *   <li>the whole request was sent and the connection failed before or during the answer: 502
 *       {@code upstream-failed} (or a cut-off response), and the key stays in progress until the
 *       attempt time limit: the upstream may have acted, so a retry must not run it again meanwhile;</li>
 *   <li>the client goes away: the answer is still read to the end and stored.</li>
 * </ul>
 */
final class UpstreamCall {

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final HttpAttempt attempt;
  private final ResponseCapture capture;
  private final GatewayMetrics metrics;

  private int status;
  private List<Header> headers = List.of();
  // Guarded by this: where the exchange is, and whether the client has been answered otherwise.
  private boolean requestSent;
  private boolean headersReceived;
  private boolean clientAnswered;
  private boolean clientGone;
  private Scheduler.Task clientTimer;
  private org.eclipse.jetty.client.Request upstream;

  /** {@code attempt} is null for a request that passes through without a key. */
  UpstreamCall(Request request, Response response, Callback callback, HttpAttempt attempt, GatewayMetrics metrics) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.attempt = attempt;
    this.capture = attempt == null ? null : new ResponseCapture(attempt.maxStoredResponseBytes());
    this.metrics = metrics;
  }

  /**
   * Sends the request. {@code exchangeLimit} bounds the whole exchange with the upstream (the attempt
   * time limit when a key is held); {@code clientTimeout} is how long the client waits for it to begin.
   */
  void start(HttpClient client, URI target, byte[] body, Duration clientTimeout, Duration exchangeLimit,
      Scheduler scheduler) {
    org.eclipse.jetty.client.Request out = client.newRequest(target)
        .method(request.getMethod())
        .headers(fields -> ForwardedHeaders.copy(request, fields))
        .timeout(exchangeLimit.toMillis(), TimeUnit.MILLISECONDS)
        .onRequestSuccess(sent -> sent())
        .onResponseHeaders(this::onHeaders)
        .onResponseContentAsync(this::onContent);
    if (body != null) {
      out.body(new BytesRequestContent((String) null, body));
    } else if (ClientBody.present(request)) {
      out.body(new ClientBody(request));
    }
    synchronized (this) {
      upstream = out;
      clientTimer = scheduler.schedule(this::clientTimedOut, clientTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    out.send(this::onComplete);
  }

  private synchronized void sent() {
    requestSent = true;
  }

  /** The client has waited long enough for the answer to begin. */
  private void clientTimedOut() {
    boolean answer;
    boolean abort;
    synchronized (this) {
      if (headersReceived || clientAnswered) {
        return;
      }
      // A key whose request reached the upstream stays held while the answer may still come.
      abort = attempt == null || !requestSent;
      answer = requestSent || attempt == null;
      clientAnswered = answer;
    }
    if (abort) {
      upstream.abort(new TimeoutException("the upstream did not answer within the upstream timeout"));
    }
    if (answer) {
      metrics.outcome(GatewayMetrics.UPSTREAM_TIMEOUT);
      Replies.send(response, Problems.of(ProblemType.UPSTREAM_TIMEOUT, attempt == null
          ? "the upstream did not begin to answer in time"
          : "the upstream did not begin to answer in time; it may still act, and its answer will be kept: retry "
              + "with the same key to get it"), callback);
    }
  }

  private void onHeaders(org.eclipse.jetty.client.Response answer) {
    List<Header> received = new ArrayList<>(answer.getHeaders().size());
    for (HttpField field : answer.getHeaders()) {
      received.add(new Header(field.getName(), field.getValue()));
    }
    boolean toClient;
    synchronized (this) {
      headersReceived = true;
      status = answer.getStatus();
      headers = HopByHop.strip(received);
      toClient = !clientAnswered;
      if (clientTimer != null) {
        clientTimer.cancel();
      }
    }
    if (toClient) {
      response.setStatus(status);
      for (Header header : headers) {
        response.getHeaders().add(header.name(), header.value());
      }
      long length = answer.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
      if (length >= 0) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
      }
    }
  }

  private void onContent(org.eclipse.jetty.client.Response answer, Content.Chunk chunk, Runnable demander) {
    ByteBuffer bytes = chunk.getByteBuffer();
    if (capture != null) {
      capture.add(bytes);
    }
    boolean toClient;
    synchronized (this) {
      toClient = !clientAnswered && !clientGone;
    }
    if (!toClient) {
      demander.run();
      return;
    }
    // The next chunk is read once the client has taken this one: a slow client slows the upstream read.
    response.write(false, bytes, Callback.from(demander, failure -> {
      synchronized (this) {
        clientGone = true;
      }
      demander.run();
    }));
  }

  private void onComplete(Result result) {
    boolean toClient;
    boolean sent;
    boolean began;
    boolean gone;
    synchronized (this) {
      if (clientTimer != null) {
        clientTimer.cancel();
      }
      // Once the client was answered (504), its callback is done: only the key is left to settle.
      toClient = !clientAnswered;
      clientAnswered = true;
      sent = requestSent;
      began = headersReceived;
      gone = clientGone;
    }
    if (result.isSucceeded()) {
      succeeded(toClient, gone);
    } else if (!sent) {
      unreachable(toClient);
    } else if (!began) {
      failedBeforeAnswer(toClient);
    } else if (toClient) {
      // The response is committed: the client sees it cut off, as it was.
      metrics.outcome(GatewayMetrics.UPSTREAM_FAILED);
      callback.failed(result.getFailure());
    }
  }

  private void succeeded(boolean toClient, boolean clientWentAway) {
    if (attempt != null) {
      attempt.finishAsync(status, headers, capture.body(), capture.complete());
    }
    if (!toClient) {
      return;
    }
    metrics.outcome(attempt == null ? GatewayMetrics.PASSED_THROUGH : GatewayMetrics.EXECUTED);
    if (clientWentAway) {
      callback.failed(new EofException("the client went away before the whole answer was sent"));
    } else {
      response.write(true, null, callback);
    }
  }

  /** The upstream never had the whole request: it cannot have acted, so the key is released. */
  private void unreachable(boolean toClient) {
    if (attempt != null) {
      attempt.abandonAsync();
    }
    if (toClient) {
      metrics.outcome(GatewayMetrics.UPSTREAM_UNREACHABLE);
      Replies.send(response, Problems.of(ProblemType.UPSTREAM_UNREACHABLE, "the upstream could not be reached; "
          + "the request was not delivered and may be retried"), callback);
    }
  }

  /** The request was delivered, the answer never began: the upstream may have acted, the key stays held. */
  private void failedBeforeAnswer(boolean toClient) {
    if (toClient) {
      metrics.outcome(GatewayMetrics.UPSTREAM_FAILED);
      Replies.send(response, Problems.of(ProblemType.UPSTREAM_FAILED, attempt == null
          ? "the upstream closed the connection without answering"
          : "the upstream closed the connection without answering; it may have acted, so this key is held "
              + "until the attempt time limit passes"), callback);
    }
  }
}
