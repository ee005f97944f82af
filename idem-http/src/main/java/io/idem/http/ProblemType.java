package io.idem.http;

import java.net.URI;

/**
 * Every error Idem's HTTP layer answers, as an RFC 9457 problem type. The {@link #type()} URIs are
 * stable: clients may switch on them. docs/http.md describes each one.
 */
public enum ProblemType {

  /** The route requires an idempotency key and the request has none. */
  KEY_MISSING(400, "idempotency-key-missing", "Idempotency key missing"),

  /** The key header is empty, too long, not visible ASCII, sent twice or not a valid sf-string. */
  KEY_MALFORMED(400, "idempotency-key-malformed", "Idempotency key malformed"),

  /**
   * The request path has no single safe reading (an encoded {@code /}, {@code ..} above the root, a
   * malformed escape); see {@link PathNormalizer}.
   */
  PATH_INVALID(400, "path-invalid", "Request path not acceptable"),

  /** The tenant resolved for the request is not acceptable as part of a key. */
  TENANT_INVALID(400, "tenant-invalid", "Tenant not acceptable"),

  /** The body could not be read (the client went away mid-body). */
  REQUEST_UNREADABLE(400, "request-unreadable", "Request body unreadable"),

  /** The body is over the configured limit and cannot be fingerprinted. */
  REQUEST_TOO_LARGE(413, "request-too-large", "Request body too large"),

  /** An earlier request with this key is still running; retry after {@code Retry-After} seconds. */
  REQUEST_IN_PROGRESS(409, "request-in-progress", "Request with this key in progress"),

  /** The key was used before with a different request (method, path, query or body). */
  KEY_REUSED(422, "idempotency-key-reused", "Idempotency key reused for a different request"),

  /**
   * The request with this key completed, but its response was too large to keep: it was sent once
   * and cannot be replayed. Retrying will never run the handler again.
   */
  RESPONSE_NOT_STORED(410, "response-not-stored", "Response too large to replay"),

  /** The request with this key failed and the failure was stored (store-everything mode). */
  STORED_FAILURE(500, "stored-failure", "Request with this key failed"),

  /** The record kept for this key cannot be read; an operator must look at it. */
  RECORD_UNREADABLE(500, "record-unreadable", "Stored record unreadable"),

  /** The idempotency store did not answer; the handler did not run. Retry after {@code Retry-After}. */
  STORE_UNAVAILABLE(503, "store-unavailable", "Idempotency store unavailable"),

  /** The idempotency store is full; the handler did not run. Retry after {@code Retry-After}. */
  STORE_FULL(503, "store-full", "Idempotency store full"),

  /**
   * A proxy (the gateway) could not deliver the request to its upstream: refused, unreachable, or the
   * connection failed before the whole request was sent. The upstream cannot have acted; the key was
   * released, so a retry runs.
   */
  UPSTREAM_UNREACHABLE(502, "upstream-unreachable", "Upstream unreachable"),

  /**
   * A proxy sent the whole request but the upstream's answer failed before it began (connection
   * reset, closed). The upstream may have acted: the key stays in progress, and retries are told so.
   */
  UPSTREAM_FAILED(502, "upstream-failed", "Upstream failed"),

  /**
   * A proxy sent the whole request and the upstream did not begin to answer in time. The upstream may
   * still act: its late answer is kept for retries, which are told "in progress" until then.
   */
  UPSTREAM_TIMEOUT(504, "upstream-timeout", "Upstream timed out");

  /** Prefix of every {@link #type()}. */
  public static final String BASE_URI = "https://idem.io/problems/";

  private final int status;
  private final URI type;
  private final String title;

  ProblemType(int status, String slug, String title) {
    this.status = status;
    this.type = URI.create(BASE_URI + slug);
    this.title = title;
  }

  public int status() {
    return status;
  }

  public URI type() {
    return type;
  }

  public String title() {
    return title;
  }
}
