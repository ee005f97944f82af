package io.idem.http;

import io.idem.Attempt;
import io.idem.IdempotencyException;
import io.idem.ResultCodec;
import io.idem.http.StoredResponse.Header;
import io.idem.http.HttpIdempotencyConfig.StorePolicy;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request that holds its key while the handler runs. The adapter captures the response (up to
 * {@link #maxStoredResponseBytes()} bytes of body) and then calls {@link #finish}, or {@link #fail}
 * when the handler threw, or {@link #abandon} when the exchange broke (async timeout, I/O error).
 *
 * <p>Only the first of these calls counts; later ones return {@link Completion#ALREADY_FINISHED}, so
 * adapters with several end callbacks (a servlet's {@code AsyncListener}) need no guard of their own.
 * None of them throws: the response has already gone to the client, so a store failure here is
 * logged and the lease simply expires.
 */
public final class HttpAttempt {

  private static final System.Logger LOG = System.getLogger(HttpAttempt.class.getName());

  /** What became of the key when the attempt finished. */
  public enum Completion {
    /** The response is stored; retries replay it. */
    STORED,
    /** The key was released (a 5xx, an exception, a broken exchange): a retry runs the handler again. */
    RELEASED,
    /** The response was over the size limit: a marker is stored, retries get {@link ProblemType#RESPONSE_NOT_STORED}. */
    NOT_STORED_TOO_LARGE,
    /** The lease had expired and another attempt took the key over: nothing was stored (fencing). */
    LEASE_LOST,
    /** The store failed; the lease will expire and a retry will run the handler again. */
    STORE_FAILED,
    /** An earlier call already finished this attempt. */
    ALREADY_FINISHED
  }

  private final Attempt attempt;
  private final HttpIdempotencyConfig config;
  private final AtomicBoolean finished = new AtomicBoolean();

  HttpAttempt(Attempt attempt, HttpIdempotencyConfig config) {
    this.attempt = attempt;
    this.config = config;
  }

  /** How many body bytes the adapter should capture; one more tells {@link #finish} it was too large. */
  public int maxStoredResponseBytes() {
    return config.maxStoredResponseBytes();
  }

  /**
   * The handler produced a response.
   *
   * @param body the captured body; {@code bodyComplete} false means the body sent was longer than
   *     {@link #maxStoredResponseBytes()} and {@code body} holds only part of it
   */
  public Completion finish(int status, List<Header> headers, byte[] body, boolean bodyComplete) {
    if (!finished.compareAndSet(false, true)) {
      return Completion.ALREADY_FINISHED;
    }
    if (status >= 500 && config.storePolicy() == StorePolicy.BELOW_500) {
      return release();
    }
    if (!bodyComplete || body.length > config.maxStoredResponseBytes()) {
      return storeMarker(status);
    }
    byte[] encoded;
    try {
      encoded = StoredResponse.codec().encode(new StoredResponse(status, HopByHop.strip(headers), body));
    } catch (IllegalArgumentException unencodable) {
      LOG.log(Level.WARNING, "response for " + attempt.key() + " cannot be stored (" + unencodable.getMessage()
          + "); releasing the key");
      return release();
    }
    return store(() -> attempt.complete(encoded) ? Completion.STORED : Completion.LEASE_LOST);
  }

  /** The handler threw: release the key, or store the failure in {@link StorePolicy#EVERYTHING} mode. */
  public Completion fail(Throwable failure) {
    if (!finished.compareAndSet(false, true)) {
      return Completion.ALREADY_FINISHED;
    }
    if (config.storePolicy() == StorePolicy.EVERYTHING) {
      return store(() -> attempt.completeExceptionally(failure) ? Completion.STORED : Completion.LEASE_LOST);
    }
    return release();
  }

  /** The exchange broke before a response was complete: release the key so a retry runs again. */
  public Completion abandon() {
    if (!finished.compareAndSet(false, true)) {
      return Completion.ALREADY_FINISHED;
    }
    return release();
  }

  private Completion release() {
    return store(() -> attempt.abandon() ? Completion.RELEASED : Completion.LEASE_LOST);
  }

  private Completion storeMarker(int status) {
    return store(() -> attempt.completeExceptionally(new ResponseNotStored(status))
        ? Completion.NOT_STORED_TOO_LARGE : Completion.LEASE_LOST);
  }

  private Completion store(java.util.function.Supplier<Completion> call) {
    try {
      Completion completion = call.get();
      if (completion == Completion.LEASE_LOST) {
        LOG.log(Level.WARNING, "lease for " + attempt.key() + " was lost before the response was stored; "
            + "another attempt took the key over");
      }
      return completion;
    } catch (IdempotencyException e) {
      LOG.log(Level.WARNING, "could not finish " + attempt.key() + "; its lease will expire", e);
      return Completion.STORE_FAILED;
    }
  }

  @Override
  public String toString() {
    return "HttpAttempt[" + attempt.key() + "]";
  }
}
