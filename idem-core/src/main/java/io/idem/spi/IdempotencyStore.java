package io.idem.spi;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where records live. A store implements atomic primitives only; the engine
 * ({@link io.idem.Idempotency}) owns every decision: fingerprint comparison, replay, waiting,
 * what to do on failure. A store never compares fingerprints.
 *
 * <h2>Two faces of each primitive</h2>
 * Each primitive has a blocking method and an asynchronous twin ({@code reserveAsync}, ...) with the
 * same guarantee. The asynchronous one returns a stage that completes with the same value, or fails
 * with the same exception the blocking one throws; arguments that are not acceptable throw at once.
 * A store whose client is asynchronous (Redis, NATS) implements the blocking call by awaiting the
 * asynchronous one; a store whose client only blocks (JDBC) extends {@link BlockingStore}, the
 * documented adapter that runs the blocking call on an executor. The engine uses the blocking face
 * for {@code begin}/{@code execute} and the asynchronous one for {@code beginAsync}/{@code executeAsync}
 * and its lease heartbeat, with one decision function for both.
 *
 * <h2>Call order</h2>
 * {@code reserve} → (work runs; {@code extend} while it runs, for a {@link LeaseExtendingStore}) →
 * exactly one of {@code complete} or {@code release}. {@code find}, {@code delete} and
 * {@code purge} may be called at any time.
 *
 * <h2>Guarantees every implementation gives</h2>
 * <ul>
 *   <li>Each method is atomic with respect to every other call on the same key, from any thread,
 *       process or machine sharing the backend.</li>
 *   <li>A record past its expiry (lease for in-progress, retention for completed) is absent to every
 *       method, whether or not the backend has physically removed it yet. Where the backend has a
 *       clock (Redis TTLs, database {@code now()}), that clock decides expiry.</li>
 *   <li>Contention is a return value. Failures of the backend are thrown as
 *       {@link io.idem.StoreUnavailableException} within the store's configured timeout, never a hang;
 *       unreadable bytes under a key are thrown as {@link io.idem.CorruptRecordException}.</li>
 *   <li>Result bytes are opaque and binary-safe: {@code find} returns exactly what {@code complete}
 *       stored.</li>
 * </ul>
 *
 * <p>The contract suite in {@code idem-testkit} checks all of this against a real backend.
 */
public interface IdempotencyStore extends AutoCloseable {

  /**
   * Atomically: if the key is absent (or its record expired), store an in-progress record holding
   * {@code fingerprint} and {@code token} that expires after {@code lease}, and return
   * {@link Reservation.Acquired}; otherwise change nothing and return {@link Reservation.Found} with
   * the live record.
   *
   * @param token a fresh token chosen by the caller ({@link LeaseToken#random()}); the fence of this
   *     attempt
   */
  Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Duration lease);

  /**
   * Atomically: if the key holds a live in-progress record with exactly {@code token}, replace it by a
   * completed record with {@code result} (keeping the fingerprint) that expires after
   * {@code retention}, and return true. Otherwise change nothing and return false: the lease expired
   * or was taken over, and this attempt's completion is rejected (fencing).
   */
  boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention);

  /**
   * Atomically: if the key holds a live in-progress record with exactly {@code token}, remove it and
   * return true (the key is absent: a retry runs again). Otherwise change nothing and return false.
   */
  boolean release(IdempotencyKey key, LeaseToken token);

  /** The live record under the key, if any. Never returns an expired record. */
  Optional<StoredRecord> find(IdempotencyKey key);

  /**
   * Removes whatever live record is under the key, in progress or completed, without a token: an
   * operator's tool (forget a key), not part of the normal flow. Returns whether a live record was
   * removed.
   */
  boolean delete(IdempotencyKey key);

  /**
   * Removes every record of one namespace and no other, returning how many were removed (for stores
   * that cannot count exactly, an estimate, documented by the store). Not atomic across keys:
   * records reserved while it runs may survive.
   */
  long purge(String namespace);

  /** {@link #reserve} without blocking the caller; same guarantee, failures through the stage. */
  CompletionStage<Reservation> reserveAsync(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease);

  /** {@link #complete} without blocking the caller; same guarantee, failures through the stage. */
  CompletionStage<Boolean> completeAsync(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention);

  /** {@link #release} without blocking the caller; same guarantee, failures through the stage. */
  CompletionStage<Boolean> releaseAsync(IdempotencyKey key, LeaseToken token);

  /** {@link #find} without blocking the caller; same guarantee, failures through the stage. */
  CompletionStage<Optional<StoredRecord>> findAsync(IdempotencyKey key);

  /** Releases what the store opened. A store never closes a client or pool it was handed. */
  @Override
  default void close() {}
}
