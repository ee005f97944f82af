package io.idem.http;

import io.idem.Admission;
import io.idem.CorruptRecordException;
import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyKey;
import io.idem.InvalidKeyException;
import io.idem.ResultCodec;
import io.idem.StoreCapacityExceededException;
import io.idem.StoreUnavailableException;
import io.idem.http.StoredResponse.Header;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code Idempotency-Key} semantics of Idem, independent of any web framework. An adapter calls
 * {@link #begin} for every request and does what the {@link HttpDecision} says:
 *
 * <ul>
 *   <li>a method that is not covered, or no key where none is required: pass through untouched;</li>
 *   <li>a missing key where required, a malformed key or tenant: 400 problem+json;</li>
 *   <li>a new key: run the handler ({@link HttpDecision.Execute}) and finish the {@link HttpAttempt};</li>
 *   <li>a completed key with the same fingerprint: the stored response, byte for byte, without
 *       hop-by-hop headers, plus {@code Idempotent-Replayed: true};</li>
 *   <li>a running key: 409 with {@code Retry-After}, or, when the engine's
 *       {@code waitForInProgress} is set, the replay once the first request completes;</li>
 *   <li>a key used with another fingerprint: 422;</li>
 *   <li>a store that does not answer: 503 with {@code Retry-After} and the handler does not run,
 *       unless {@link HttpIdempotencyConfig#failOpen()}.</li>
 * </ul>
 *
 * <p>Thread-safe. Closing it does not close the engine or the store.
 */
public final class HttpIdempotency {

  /** Added to every replayed response. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private static final System.Logger LOG = System.getLogger(HttpIdempotency.class.getName());
  private static final HttpDecision PASS_THROUGH = new HttpDecision.PassThrough();

  private final Idempotency engine;
  private final HttpIdempotencyConfig config;

  private HttpIdempotency(Idempotency engine, HttpIdempotencyConfig config) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.config = Objects.requireNonNull(config, "config");
  }

  public static HttpIdempotency create(Idempotency engine, HttpIdempotencyConfig config) {
    return new HttpIdempotency(engine, config);
  }

  public static HttpIdempotency create(Idempotency engine) {
    return new HttpIdempotency(engine, HttpIdempotencyConfig.ofDefaults());
  }

  public HttpIdempotencyConfig config() {
    return config;
  }

  public Idempotency engine() {
    return engine;
  }

  /** Decides what to do with a request. Never throws for anything the client sent or the store did. */
  public HttpDecision begin(HttpRequestView request) {
    Object checked = check(request);
    if (checked instanceof HttpDecision decision) {
      return decision;
    }
    Scoped scoped = (Scoped) checked;
    try {
      Admission admission = scoped.preferredWait() == null ? engine.begin(scoped.key(), scoped.fingerprint())
          : engine.begin(scoped.key(), scoped.fingerprint(), scoped.preferredWait());
      return applied(scoped, decide(scoped.key(), admission));
    } catch (RuntimeException e) {
      return storeFailed(scoped.key(), e);
    }
  }

  /**
   * {@link #begin} without blocking on the store (the request's body must already be readable without
   * blocking: an asynchronous adapter buffers it first). The stage never fails for anything the client
   * sent or the store did.
   */
  public CompletionStage<HttpDecision> beginAsync(HttpRequestView request) {
    Object checked = check(request);
    if (checked instanceof HttpDecision decision) {
      return CompletableFuture.completedFuture(decision);
    }
    Scoped scoped = (Scoped) checked;
    CompletionStage<Admission> admitted = scoped.preferredWait() == null
        ? engine.beginAsync(scoped.key(), scoped.fingerprint())
        : engine.beginAsync(scoped.key(), scoped.fingerprint(), scoped.preferredWait());
    return admitted.handle((admission, failure) -> failure == null
        ? applied(scoped, decide(scoped.key(), admission))
        : storeFailed(scoped.key(), unwrap(failure)));
  }

  /** A request that passed every check before the store: its scoped key and fingerprint. */
  /** {@code preferredWait}: the client's {@code Prefer: wait}, capped; null when it sent none or it is not honoured. */
  private record Scoped(IdempotencyKey key, Fingerprint fingerprint, Duration preferredWait) {}

  /** Adds {@code Preference-Applied} to an answer given after waiting as the client preferred (RFC 7240). */
  private static HttpDecision applied(Scoped scoped, HttpDecision decision) {
    if (scoped.preferredWait() == null || !(decision instanceof HttpDecision.Respond respond)) {
      return decision;
    }
    StoredResponse response = respond.response();
    List<Header> headers = new ArrayList<>(response.headers());
    headers.add(new Header(PreferWait.APPLIED_HEADER, "wait=" + scoped.preferredWait().toSeconds()));
    return respond(new StoredResponse(response.status(), headers, response.body()));
  }

  /** The checks that need no store: an {@link HttpDecision} to answer at once, or the {@link Scoped} request. */
  private Object check(HttpRequestView request) {
    // Method names are case-sensitive (RFC 9110): "post" is not POST, and the application will refuse it.
    if (!config.methods().contains(request.method())) {
      return PASS_THROUGH;
    }
    try {
      request.path();
    } catch (UnsafePathException e) {
      return respond(Problems.of(ProblemType.PATH_INVALID, e.getMessage()));
    }
    List<String> values = request.headers(config.headerName());
    if (values.isEmpty()) {
      if (config.keyRequired(request)) {
        return respond(Problems.of(ProblemType.KEY_MISSING, request.method() + " " + request.path()
            + " requires the " + config.headerName() + " header"));
      }
      return PASS_THROUGH;
    }
    String key;
    try {
      key = KeyHeader.parse(config.headerName(), values);
    } catch (InvalidKeyException e) {
      return respond(Problems.of(ProblemType.KEY_MALFORMED, e.getMessage()));
    }
    IdempotencyKey scoped;
    try {
      scoped = new IdempotencyKey(config.namespace(), config.tenantResolver().tenant(request), key);
    } catch (InvalidKeyException e) {
      return respond(Problems.of(ProblemType.TENANT_INVALID, e.getMessage()));
    }
    Fingerprint fingerprint;
    try {
      fingerprint = config.fingerprinter().fingerprint(request);
    } catch (RequestBodyTooLargeException e) {
      return respond(Problems.of(ProblemType.REQUEST_TOO_LARGE, e.getMessage() + "; it cannot be fingerprinted"));
    } catch (UncheckedIOException e) {
      // The cause's message names server internals (exception classes, timeouts); the client gets the gist.
      LOG.log(Level.DEBUG, "request body unreadable", e);
      return respond(Problems.of(ProblemType.REQUEST_UNREADABLE, "the request body could not be read: it ended "
          + "before its Content-Length, arrived too slowly, or the connection failed; nothing was processed"));
    }
    return new Scoped(scoped, fingerprint, PreferWait.honoured(request.headers(PreferWait.HEADER),
        config.maxPreferredWait()));
  }

  private HttpDecision storeFailed(IdempotencyKey key, Throwable failure) {
    if (failure instanceof StoreUnavailableException e) {
      return storeDown(key, ProblemType.STORE_UNAVAILABLE, "the idempotency store did not answer; "
          + "the request was not processed", e);
    }
    if (failure instanceof StoreCapacityExceededException e) {
      return storeDown(key, ProblemType.STORE_FULL, "the idempotency store is full; "
          + "the request was not processed", e);
    }
    if (failure instanceof CorruptRecordException e) {
      LOG.log(Level.ERROR, "Idem: the record for " + key + " is unreadable (not written by this version of Idem?); "
          + "answering 500 record-unreadable. Inspect it, then forget the key (Idempotency.forget).", e);
      return respond(Problems.of(ProblemType.RECORD_UNREADABLE, "the record kept for this key cannot be read; "
          + "the request was not processed"));
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw (Error) failure;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while (current instanceof java.util.concurrent.CompletionException && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** What an admission means in HTTP: one mapping for the blocking and the asynchronous path. */
  private HttpDecision decide(IdempotencyKey key, Admission admission) {
    if (admission instanceof Admission.Proceed proceed) {
      return new HttpDecision.Execute(new HttpAttempt(proceed.attempt(), config, engine.config().failurePolicy()));
    }
    if (admission instanceof Admission.Replay replay) {
      return replay(key, replay.payload());
    }
    if (admission instanceof Admission.ReplayFailure) {
      // The stored exception's type and message stay on the server: a client learns only that it failed.
      return replayProblem(Problems.of(ProblemType.STORED_FAILURE, "the request with this key failed and will not "
          + "be processed again"));
    }
    if (admission instanceof Admission.ReplayWithoutResult notKept) {
      int status = NotKeptSummary.status(notKept.summary());
      return replayProblem(Problems.of(ProblemType.RESPONSE_NOT_STORED, "the request with this key was processed, "
          + "but its response was over the " + config.maxStoredResponseBytes() + " byte limit and was not kept; "
          + "it will not be processed again", null, Map.of("original_status", status)));
    }
    if (admission instanceof Admission.InProgress) {
      return respond(Problems.of(ProblemType.REQUEST_IN_PROGRESS, "a request with this "
          + config.headerName() + " is still being processed; retry later", config.inProgressRetryAfter()));
    }
    return respond(Problems.of(ProblemType.KEY_REUSED, "this " + config.headerName()
        + " was used for a different request (method, path, query or body differ)"));
  }

  private HttpDecision replay(IdempotencyKey key, byte[] payload) {
    StoredResponse stored;
    try {
      stored = StoredResponse.codec().decode(payload);
    } catch (CorruptRecordException e) {
      LOG.log(Level.ERROR, "Idem: the response stored for " + key + " is unreadable (written by another version of "
          + "Idem, or by another program?); answering 500 record-unreadable. Inspect it, then forget the key "
          + "(Idempotency.forget).", e);
      return respond(Problems.of(ProblemType.RECORD_UNREADABLE, "the response kept for this key cannot be read"));
    }
    List<Header> headers = new ArrayList<>(HopByHop.strip(stored.headers()));
    headers.add(new Header(REPLAYED_HEADER, "true"));
    return respond(new StoredResponse(stored.status(), headers, stored.body()));
  }

  private static HttpDecision replayProblem(StoredResponse problem) {
    List<Header> headers = new ArrayList<>(problem.headers());
    headers.add(new Header(REPLAYED_HEADER, "true"));
    return respond(new StoredResponse(problem.status(), headers, problem.body()));
  }

  private HttpDecision storeDown(IdempotencyKey key, ProblemType problem, String detail, RuntimeException cause) {
    if (config.failOpen()) {
      LOG.log(Level.WARNING, "Idem: the store failed for " + key + "; failOpen is on, so the request runs without "
          + "idempotency protection (a retry may run it again). Check the store's health.",
          cause);
      return PASS_THROUGH;
    }
    LOG.log(Level.WARNING, "Idem: the store failed for " + key + "; answering " + problem.status() + " with "
        + "Retry-After, the handler did not run. Check the store's health and timeout.", cause);
    return respond(Problems.of(problem, detail, config.unavailableRetryAfter()));
  }

  private static HttpDecision respond(StoredResponse response) {
    return new HttpDecision.Respond(response);
  }
}
