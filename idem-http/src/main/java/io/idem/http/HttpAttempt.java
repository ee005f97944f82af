package io.idem.http;

import io.idem.Attempt;
import io.idem.Completion;
import io.idem.IdempotencyConfig.FailurePolicy;
import io.idem.http.StoredResponse.Header;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request that holds its key while the handler runs. The adapter captures the response (up to
 * {@link #maxStoredResponseBytes()} bytes of body) and then calls {@link #finish}, or {@link #fail}
 * when the handler threw, or {@link #abandon} when the exchange broke (async timeout, I/O error).
 * It only translates: what a 5xx or an exception does to the key is the engine's
 * {@link io.idem.IdempotencyConfig.FailurePolicy}, and a completion the store cannot take now is
 * retried by the engine ({@link Completion#RETRYING}).
 *
 * <p>Only the first of these calls counts; later ones return an empty result, so adapters with
 * several end callbacks (a servlet's {@code AsyncListener}) need no guard of their own. None of them
 * throws for a store failure: the response has already gone to the client.
 */
public final class HttpAttempt {

  private static final System.Logger LOG = System.getLogger(HttpAttempt.class.getName());

  private final Attempt attempt;
  private final HttpIdempotencyConfig config;
  private final FailurePolicy failurePolicy;
  private final AtomicBoolean finished = new AtomicBoolean();

  HttpAttempt(Attempt attempt, HttpIdempotencyConfig config, FailurePolicy failurePolicy) {
    this.attempt = attempt;
    this.config = config;
    this.failurePolicy = failurePolicy;
  }

  /** How many body bytes the adapter should capture; one more tells {@link #finish} it was too large. */
  public int maxStoredResponseBytes() {
    return config.maxStoredResponseBytes();
  }

  /**
   * The handler produced a response. A 5xx counts as a failure of the work: the engine's failure
   * policy releases the key, or (STORE) keeps the response like any other; a body over the limit is sent but not kept, and
   * retries get {@link ProblemType#RESPONSE_NOT_STORED} without running the handler again.
   *
   * @param body the captured body; {@code bodyComplete} false means the body sent was longer than
   *     {@link #maxStoredResponseBytes()} and {@code body} holds only part of it
   * @return what became of the key, or null when an earlier call already finished this attempt
   */
  public Completion finish(int status, List<Header> headers, byte[] body, boolean bodyComplete) {
    return finished.compareAndSet(false, true) ? logged(Ending.of(this, status, headers, body, bodyComplete)
        .blocking(attempt)) : null;
  }

  /** {@link #finish} without blocking the caller; the stage completes with null when already finished. */
  public CompletionStage<Completion> finishAsync(int status, List<Header> headers, byte[] body, boolean bodyComplete) {
    if (!finished.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    return Ending.of(this, status, headers, body, bodyComplete).async(attempt).thenApply(this::logged);
  }

  /** The handler threw: the engine's failure policy releases the key or stores the failure. */
  public Completion fail(Throwable failure) {
    return finished.compareAndSet(false, true) ? logged(attempt.fail(failure)) : null;
  }

  /** {@link #fail} without blocking the caller. */
  public CompletionStage<Completion> failAsync(Throwable failure) {
    return finished.compareAndSet(false, true) ? attempt.failAsync(failure).thenApply(this::logged)
        : CompletableFuture.completedFuture(null);
  }

  /** The exchange broke before a response was complete: release the key so a retry runs again. */
  public Completion abandon() {
    return finished.compareAndSet(false, true) ? logged(attempt.abandon()) : null;
  }

  /** {@link #abandon} without blocking the caller. */
  public CompletionStage<Completion> abandonAsync() {
    return finished.compareAndSet(false, true) ? attempt.abandonAsync().thenApply(this::logged)
        : CompletableFuture.completedFuture(null);
  }

  private Completion logged(Completion completion) {
    if (completion == Completion.LEASE_LOST) {
      LOG.log(Level.WARNING, "Idem: the lease on " + attempt.key() + " expired and another request took the key over "
          + "before this response was stored; the handler ran twice for this key. Raise the lease above the "
          + "handler's longest run, or keep the heartbeat on.");
    } else if (completion == Completion.RETRYING) {
      LOG.log(Level.WARNING, "Idem: the store did not take the response for " + attempt.key() + "; the key stays "
          + "in progress and the engine retries storing it. Check the store's health.");
    }
    return completion;
  }

  FailurePolicy failurePolicy() {
    return failurePolicy;
  }

  @Override
  public String toString() {
    return "HttpAttempt[" + attempt.key() + "]";
  }
}
