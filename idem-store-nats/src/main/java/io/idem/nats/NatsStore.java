package io.idem.nats;

import io.idem.CorruptRecordException;
import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.StoreUnavailableException;
import io.idem.spi.KeyWatch;
import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.Reservation;
import io.idem.spi.SignallingStore;
import io.idem.spi.StoredRecord;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The NATS store: records in a JetStream key-value bucket, through jnats. Works with any NATS server
 * with JetStream, 2.9 or later, standalone or clustered (a bucket of 3 replicas survives one node).
 *
 * <h2>Layout and atomicity</h2>
 * One entry per key in a bucket of its own (default {@code idem}), under a NATS key built from the
 * namespace, tenant and key so that different keys never collide and a namespace is one subject
 * filter ({@code docs/nats.md}). The server makes each primitive atomic: a reservation is a write that
 * expects the key to be empty (or to still hold the expired record it read); complete, release and
 * extend are compare-and-set on the revision the holder wrote, so a late completion of an attempt
 * whose lease was taken over is refused.
 *
 * <h2>Round trips</h2>
 * A new key costs two (the reserving write, the completing write), a replay two (the refused write,
 * the read), find one. Complete, release and extend cost one on the instance that reserved; on another,
 * one read more.
 *
 * <h2>Time</h2>
 * Each record keeps its lifetime (lease or retention); it counts from the server's timestamp of the
 * entry and is compared with this store's {@link Builder#clock} (decision 0502). On NATS 2.11 and later
 * the server also drops each entry when its lifetime ends (per-message TTL); older servers keep expired
 * entries, which read as absent, until the bucket's max age.
 *
 * <h2>Failure</h2>
 * Every call is bounded by {@link Builder#timeout} (default 2 s): a server that is down, frozen or
 * without quorum surfaces as {@link StoreUnavailableException}, never a hang, and calls succeed again
 * once it is back. Bytes under a key that are not an Idem record raise {@link CorruptRecordException}.
 *
 * <h2>Ownership</h2>
 * A store built from a URL opens its connection and closes it on {@link #close()}; a store built from
 * a {@link Connection} never closes it.
 */
public final class NatsStore implements LeaseExtendingStore, SignallingStore {

  public static final String DEFAULT_BUCKET = "idem";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  /** Twice the engine's default retention: where the server has no per-message TTL, garbage lives this long. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(48);

  static final String STORE_NAME = "nats";

  private final Connection connection;
  private final boolean ownsConnection;
  private final String bucketName;
  private final KvBucket bucket;
  private final Duration maxAge;
  private final Duration timeout;
  private final RecordOperations records;
  private final BoundedCalls calls;
  private final NatsSignals signals;

  private NatsStore(Builder builder, Connection connection, boolean ownsConnection, BucketSetup.Bound bound) {
    this.connection = connection;
    this.ownsConnection = ownsConnection;
    this.bucketName = builder.bucket;
    this.bucket = bound.bucket();
    this.maxAge = bound.maxAge();
    this.timeout = builder.timeout;
    this.signals = new NatsSignals(connection, bucketName, builder.signalWaiters);
    this.records = new RecordOperations(bucket, new HeldLeases(builder.clock), builder.clock, signals);
    this.calls = new BoundedCalls(bucketName, timeout);
  }

  /**
   * A store on its own connection to {@code nats://host:port} (several servers separated by commas),
   * with the defaults or the URL's query parameters {@code bucket}, {@code replicas} and {@code storage}
   * ({@code file} or {@code memory}).
   */
  public static NatsStore create(String natsUrl) {
    return builder(natsUrl).build();
  }

  /** A store on the caller's connection, which it never closes. */
  public static NatsStore create(Connection connection) {
    return builder(connection).build();
  }

  /**
   * Options for a store on its own connection; see {@link #create(String)} for the URL.
   *
   * @throws IllegalArgumentException when the URL or one of its parameters is not valid
   */
  public static Builder builder(String natsUrl) {
    NatsUrl url = NatsUrl.parse(natsUrl);
    Builder builder = new Builder(url, null);
    url.applyParameters(builder);
    return builder;
  }

  /** Options for a store on the caller's connection. */
  public static Builder builder(Connection connection) {
    return new Builder(null, Objects.requireNonNull(connection, "connection"));
  }

  @Override
  public Reservation reserve(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token, Duration lease) {
    return BoundedCalls.await(reserveAsync(key, fingerprint, token, lease));
  }

  @Override
  public boolean complete(IdempotencyKey key, LeaseToken token, byte[] result, Duration retention) {
    return BoundedCalls.await(completeAsync(key, token, result, retention));
  }

  @Override
  public boolean release(IdempotencyKey key, LeaseToken token) {
    return BoundedCalls.await(releaseAsync(key, token));
  }

  @Override
  public boolean extend(IdempotencyKey key, LeaseToken token, Duration lease) {
    return BoundedCalls.await(extendAsync(key, token, lease));
  }

  @Override
  public Optional<StoredRecord> find(IdempotencyKey key) {
    return BoundedCalls.await(findAsync(key));
  }

  @Override
  public CompletableFuture<Reservation> reserveAsync(IdempotencyKey key, Fingerprint fingerprint, LeaseToken token,
      Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(token, "token");
    long leaseMillis = lifetimeMillis(lease, "lease");
    return calls.async("reserve", () -> records.reserve(key, fingerprint, token, leaseMillis));
  }

  @Override
  public CompletableFuture<Boolean> completeAsync(IdempotencyKey key, LeaseToken token, byte[] result,
      Duration retention) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
    long retentionMillis = lifetimeMillis(retention, "retention");
    return calls.async("complete", () -> records.complete(key, token, result, retentionMillis));
  }

  @Override
  public CompletableFuture<Boolean> releaseAsync(IdempotencyKey key, LeaseToken token) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    return calls.async("release", () -> records.release(key, token));
  }

  @Override
  public CompletableFuture<Boolean> extendAsync(IdempotencyKey key, LeaseToken token, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    long leaseMillis = lifetimeMillis(lease, "lease");
    return calls.async("extend", () -> records.extend(key, token, leaseMillis));
  }

  @Override
  public CompletableFuture<Optional<StoredRecord>> findAsync(IdempotencyKey key) {
    Objects.requireNonNull(key, "key");
    return calls.async("find", () -> records.find(key));
  }

  /**
   * Reads the key, then removes its entry, that revision or older only (one read, one purge): a record
   * written in between survives. Unreadable bytes are removed too: this is the way out of a
   * {@link CorruptRecordException}. Returns whether a live record, or unreadable bytes, were removed.
   */
  @Override
  public boolean delete(IdempotencyKey key) {
    String natsKey = NatsKeys.of(key);
    KvEntry entry = BoundedCalls.await(calls.async("delete", () -> bucket.last(natsKey)));
    if (entry == null) {
      return false;
    }
    boolean removesSomething;
    try {
      removesSomething = records.live(entry, natsKey).isPresent();
    } catch (CorruptRecordException e) {
      removesSomething = true;
    }
    calls.blocking("delete", () -> bucket.purge(natsKey, entry.revision() + 1));
    signals.signal(natsKey, new byte[0]); // the purge itself publishes nothing: wake the key's waiters to read
    return removesSomething;
  }

  /**
   * Removes every entry of the namespace with one filtered purge of the bucket's stream. The count is
   * the server's: it includes expired records and release markers it still kept (before NATS 2.11,
   * until the bucket's max age), so it is exact only when there were none.
   */
  @Override
  public long purge(String namespace) {
    String filter = NatsKeys.namespaceFilter(namespace);
    return calls.blocking("purge", () -> bucket.purge(filter, 0));
  }

  /** Subscribes to the key's subject, so a completion or release on any instance wakes the waiter (decision 0510). */
  @Override
  public KeyWatch watch(IdempotencyKey key) {
    return signals.watch(NatsKeys.of(key));
  }

  /** Closes the connection if the store opened it. Later calls fail with StoreUnavailableException. */
  @Override
  public void close() {
    signals.close();
    if (calls.close() && ownsConnection) {
      try {
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The bucket the records live in. */
  public String bucket() {
    return bucketName;
  }

  /** Whether the server drops each record when its lifetime ends (NATS 2.11 or later, TTL-enabled bucket). */
  public boolean serverExpiresRecords() {
    return bucket.expiresEntries();
  }

  private long lifetimeMillis(Duration lifetime, String what) {
    Objects.requireNonNull(lifetime, what);
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + lifetime);
    }
    if (!maxAge.isZero() && lifetime.compareTo(maxAge) > 0) {
      throw new IllegalArgumentException(what + " " + lifetime + " is longer than the max age " + maxAge
          + " of bucket '" + bucketName + "', which would drop the record early; give the store a bucket with a"
          + " longer max age (Builder.maxAge) or use a shorter " + what);
    }
    // Never round a positive duration down to nothing.
    return Math.max(1, lifetime.toMillis());
  }

  @Override
  public String toString() {
    return "NatsStore[bucket=" + bucketName + ", timeout=" + timeout + ", maxAge=" + maxAge
        + (bucket.expiresEntries() ? ", per-message TTL" : "") + "]";
  }

  /** Options of a {@link NatsStore}; every setter validates at once. */
  public static final class Builder {
    private final NatsUrl url;
    private final Connection connection;
    private String bucket = DEFAULT_BUCKET;
    private int replicas = 1;
    private StorageType storage = StorageType.File;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private Clock clock = Clock.systemUTC();
    private boolean signalWaiters = true;

    private Builder(NatsUrl url, Connection connection) {
      this.url = url;
      this.connection = connection;
    }

    /** The key-value bucket, created when missing. Default {@code idem}. Letters, digits, {@code -} and {@code _}. */
    public Builder bucket(String bucket) {
      Objects.requireNonNull(bucket, "bucket");
      if (!bucket.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new IllegalArgumentException("a bucket name is 1 to 64 letters, digits, - or _; was '" + bucket + "'");
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * Replicas of a bucket the store creates: 1 (default), or 3 on a cluster so the bucket survives
     * the loss of one node (the server accepts up to 5). An existing bucket keeps its own.
     */
    public Builder replicas(int replicas) {
      if (replicas < 1 || replicas > 5) {
        throw new IllegalArgumentException("replicas must be between 1 and 5, was " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /** Storage of a bucket the store creates: {@link StorageType#File} (default) survives a server restart. */
    public Builder storage(StorageType storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** The longest any call may take before it fails with StoreUnavailableException. Default 2 s. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.toMillis() < 1) {
        throw new IllegalArgumentException("timeout must be at least 1 ms, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The max age of a bucket the store creates: the server removes every entry this long after its
     * last write. It must cover the longest lease and retention used (longer ones are refused). Default
     * 48 hours.
     */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("maxAge must be at least 1 s, was " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /** The clock that decides whether a record's lifetime is over (decision 0502). Default: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether completions, releases and deletes signal the duplicates waiting on their key, on every
     * instance (decision 0016): one core publish each, on {@code _IDEM.<bucket>.<key>}, after the server
     * stored the change. Default true. False saves that publish (about 5 % of a reserve + complete
     * pair's throughput, BENCHMARKS.md) for a service that lets no duplicate wait; its waiters then poll.
     * Set it alike on every instance sharing the bucket: a waiter learns of a change by an instance that
     * does not signal only at its next safety re-read.
     */
    public Builder signalWaiters(boolean signalWaiters) {
      this.signalWaiters = signalWaiters;
      return this;
    }

    /**
     * Connects (for a URL), then binds the bucket, creating it when missing.
     *
     * @throws StoreUnavailableException when the server cannot be reached or has no JetStream
     * @throws IllegalStateException when the bucket exists without direct gets or rollups
     */
    public NatsStore build() {
      Connection opened = connection != null ? connection : url.connect(timeout);
      try {
        return new NatsStore(this, opened, connection == null,
            BucketSetup.bind(opened, bucket, replicas, storage, maxAge, timeout));
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        if (connection == null) {
          try {
            opened.close();
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
          }
        }
        if (e instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new StoreUnavailableException(STORE_NAME, "start", "cannot bind the key-value bucket '" + bucket
            + "' (is JetStream enabled?): " + e.getMessage(), e);
      }
    }
  }
}
