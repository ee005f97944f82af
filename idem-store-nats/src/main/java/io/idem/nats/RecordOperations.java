package io.idem.nats;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.nats.HeldLeases.Held;
import io.idem.nats.RecordLayout.Decoded;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The store's primitives as sequences of bucket requests. Atomicity comes from the server: a
 * reservation is a write that expects the key to be empty, or to still hold the expired record or
 * the marker it read; every other change is a write that expects the revision the holder knows. A
 * lost race is a conflict, after which the key is read again and the decision taken anew.
 *
 * <p>Round trips: a reservation of a free key is one write; of a live key, that write and one read
 * (a replay costs two). Complete, release and extend by the instance that reserved are one write; by
 * another instance (or after their write lost a race) one read and one write. Find is one read.
 */
final class RecordOperations {

  /** Lifetime of a release marker where the server drops entries by TTL: it only has to exist briefly. */
  private static final long MARKER_LIFETIME_MILLIS = 1000;
  /** Rounds of write-conflict-read a reservation tries before it gives up on a key that keeps changing. */
  private static final int MAX_CLAIMS = 8;

  /** A signal without a record: the waiters read. */
  private static final byte[] NO_RECORD = new byte[0];

  private final KvBucket bucket;
  private final HeldLeases leases;
  private final Clock clock;
  private final NatsSignals signals;

  /** @param signals what tells a key's waiters of a completion or release */
  RecordOperations(KvBucket bucket, HeldLeases leases, Clock clock, NatsSignals signals) {
    this.bucket = bucket;
    this.leases = leases;
    this.clock = clock;
    this.signals = signals;
  }

  CompletableFuture<Reservation> reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      long leaseMillis) {
    return claim(key, NatsKeys.of(key), RecordLayout.inProgress(token, fingerprint, leaseMillis), token, fingerprint,
        leaseMillis, 0, 1);
  }

  /**
   * One round: write expecting {@code expectedRevision}; on a conflict read what is there and either
   * answer it (live), or claim again over it (absent, a marker, or an expired record).
   */
  private CompletableFuture<Reservation> claim(IdempotencyKey key, String natsKey, byte[] value, LeaseToken token,
      Fingerprint fingerprint, long leaseMillis, long expectedRevision, int round) {
    long sentAt = clock.millis();
    return bucket.write(natsKey, value, expectedRevision, leaseMillis).thenCompose(revision -> {
      if (revision != KvBucket.CONFLICT) {
        leases.hold(token, new Held(key, natsKey, revision, fingerprint, sentAt, leaseMillis));
        return CompletableFuture.completedFuture(Reservation.acquired(token));
      }
      if (round == MAX_CLAIMS) {
        throw new CompletionException(new StoreUnavailableException(NatsStore.STORE_NAME, "reserve", "the key '"
            + natsKey + "' changed under " + MAX_CLAIMS + " reservations in a row", null));
      }
      return bucket.last(natsKey).thenCompose(entry -> {
        if (entry == null || entry.marker()) {
          return claim(key, natsKey, value, token, fingerprint, leaseMillis, entry == null ? 0 : entry.revision(),
              round + 1);
        }
        Decoded existing = RecordLayout.decode(entry.value(), natsKey);
        if (existing.liveAt(entry.timestampMillis(), clock.millis())) {
          return CompletableFuture.completedFuture(Reservation.found(existing.record()));
        }
        return claim(key, natsKey, value, token, fingerprint, leaseMillis, entry.revision(), round + 1);
      });
    });
  }

  CompletableFuture<Boolean> complete(IdempotencyKey key, LeaseToken token, byte[] result, long retentionMillis) {
    return fenced(key, token, retentionMillis, false,
        fingerprint -> RecordLayout.completed(token, fingerprint, retentionMillis, result));
  }

  CompletableFuture<Boolean> release(IdempotencyKey key, LeaseToken token) {
    return fenced(key, token, MARKER_LIFETIME_MILLIS, false, null);
  }

  CompletableFuture<Boolean> extend(IdempotencyKey key, LeaseToken token, long leaseMillis) {
    return fenced(key, token, leaseMillis, true,
        fingerprint -> RecordLayout.inProgress(token, fingerprint, leaseMillis));
  }

  CompletableFuture<Optional<StoredRecord>> find(IdempotencyKey key) {
    String natsKey = NatsKeys.of(key);
    return bucket.last(natsKey).thenApply(entry -> live(entry, natsKey).map(Decoded::record));
  }

  /** The entry's record while it is live; empty for no entry, a marker or an expired record. */
  Optional<Decoded> live(KvEntry entry, String natsKey) {
    if (entry == null || entry.marker()) {
      return Optional.empty();
    }
    Decoded record = RecordLayout.decode(entry.value(), natsKey);
    return record.liveAt(entry.timestampMillis(), clock.millis()) ? Optional.of(record) : Optional.empty();
  }

  /**
   * A change only the live holder of {@code token} may make: a compare-and-set on the revision it
   * holds. The revision this instance remembers is tried first; when it is unknown or stale, the key
   * is read and the token, state and expiry checked before the compare-and-set on what was read.
   *
   * @param rewrite the new value from the record's fingerprint; null writes a release marker
   * @param keepsLease whether the token still holds the key afterwards (extend)
   */
  private CompletableFuture<Boolean> fenced(IdempotencyKey key, LeaseToken token, long lifetimeMillis,
      boolean keepsLease, Function<Fingerprint, byte[]> rewrite) {
    Held held = leases.find(token, key);
    if (held == null) {
      return fencedByRead(key, NatsKeys.of(key), token, lifetimeMillis, keepsLease, rewrite);
    }
    String natsKey = held.natsKey();
    if (held.expiredAt(clock.millis())) {
      leases.forget(token);
      return CompletableFuture.completedFuture(false);
    }
    long sentAt = clock.millis();
    byte[] value = rewrite == null ? null : rewrite.apply(held.fingerprint());
    return send(natsKey, value, held.revision(), lifetimeMillis).thenCompose(revision -> {
      if (revision == KvBucket.CONFLICT) {
        return fencedByRead(key, natsKey, token, lifetimeMillis, keepsLease, rewrite);
      }
      settle(key, natsKey, token, held.fingerprint(), revision, sentAt, lifetimeMillis, keepsLease, value);
      return CompletableFuture.completedFuture(true);
    });
  }

  private CompletableFuture<Boolean> fencedByRead(IdempotencyKey key, String natsKey, LeaseToken token,
      long lifetimeMillis, boolean keepsLease, Function<Fingerprint, byte[]> rewrite) {
    return bucket.last(natsKey).thenCompose(entry -> {
      Optional<Decoded> live = live(entry, natsKey);
      if (live.isEmpty() || !live.get().inProgress() || !live.get().token().equals(token)) {
        leases.forget(token);
        return CompletableFuture.completedFuture(false);
      }
      Fingerprint fingerprint = live.get().fingerprint();
      long sentAt = clock.millis();
      byte[] value = rewrite == null ? null : rewrite.apply(fingerprint);
      return send(natsKey, value, entry.revision(), lifetimeMillis).thenApply(revision -> {
        if (revision == KvBucket.CONFLICT) {
          leases.forget(token);
          return false;
        }
        settle(key, natsKey, token, fingerprint, revision, sentAt, lifetimeMillis, keepsLease, value);
        return true;
      });
    });
  }

  /** Writes {@code value}, or a release marker when it is null, expecting {@code revision}. */
  private CompletableFuture<Long> send(String natsKey, byte[] value, long revision, long lifetimeMillis) {
    return value == null
        ? bucket.writeMarker(natsKey, revision, lifetimeMillis)
        : bucket.write(natsKey, value, revision, lifetimeMillis);
  }

  /**
   * After a fenced write the server stored: an extend keeps the lease; a completion or release ends
   * it and tells the key's waiters, a completion with the record it stored (decision 0016).
   */
  private void settle(IdempotencyKey key, String natsKey, LeaseToken token, Fingerprint fingerprint, long revision,
      long sentAt, long lifetimeMillis, boolean keepsLease, byte[] value) {
    if (keepsLease) {
      leases.hold(token, new Held(key, natsKey, revision, fingerprint, sentAt, lifetimeMillis));
    } else {
      leases.forget(token);
      signals.signal(natsKey, value == null ? NO_RECORD : value);
    }
  }
}
