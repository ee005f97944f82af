package io.idem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.IdempotencyStore;
import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link IdempotencyStore} passes, against its real backend. A store module adds
 * one short subclass that starts the backend and implements {@link #createStore()}.
 *
 * <p>Optional capabilities have contracts of their own, as interfaces a subclass implements when its
 * store has the capability: {@link LeaseExtensionContract} ({@link LeaseExtendingStore}) and
 * {@link AsyncStoreContract} (the asynchronous calls; every built-in store runs it).
 *
 * <p>Each test works in a fresh random namespace, so a subclass may share one store or server
 * across tests. Expiry is driven through {@link #elapse(Duration)}: stores on a server clock sleep
 * (the default), stores on an injected clock advance it.
 */
public abstract class IdempotencyStoreContract implements StoreFixture, RaceContract {

  /** Long enough that no live lease expires during a test. */
  protected static final Duration LONG = Duration.ofMinutes(5);

  protected IdempotencyStore store;
  protected String namespace;

  /** A store under test, connected to the real backend. Called before each test. */
  protected abstract IdempotencyStore createStore();

  /** Closes the store; override to keep a shared one open. */
  protected void closeStore(IdempotencyStore store) {
    store.close();
  }

  @Override
  public IdempotencyStore store() {
    return store;
  }

  /** Lets {@code duration} pass for the store's clock. */
  @Override
  public void elapse(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A lease that expiry tests wait out; short, but long enough for a few round trips to the backend. */
  @Override
  public Duration shortLease() {
    return Duration.ofMillis(600);
  }

  /** Threads racing for one key. The contract requires at least 16. */
  @Override
  public int raceThreads() {
    return 16;
  }

  /** Rounds of the one-key race. The contract requires at least 200. */
  @Override
  public int raceRounds() {
    return 200;
  }

  @BeforeEach
  void openStore() {
    store = createStore();
    namespace = "contract-" + UUID.randomUUID();
  }

  @AfterEach
  void tearDownStore() {
    if (store != null) {
      closeStore(store);
    }
  }

  @Override
  public IdempotencyKey key(String key) {
    return IdempotencyKey.of(namespace, "tenant", key);
  }

  protected static Fingerprint fingerprint(String request) {
    return StoreFixture.fingerprint(request);
  }

  protected static byte[] bytes(String text) {
    return StoreFixture.bytes(text);
  }

  @Nested
  class Reserve {

    @Test
    void reserveAcquiresAbsentKey() {
      LeaseToken token = LeaseToken.random();
      Reservation reservation = store.reserve(key("k"), fingerprint("a"), token, LONG);
      assertThat(reservation).isEqualTo(new Reservation.Acquired(token));
      assertThat(store.find(key("k"))).contains(new StoredRecord.InProgress(fingerprint("a")));
    }

    @Test
    void secondReserveSeesInProgressWithFirstFingerprint() {
      acquire(key("k"), fingerprint("first"), LONG);
      Reservation again = store.reserve(key("k"), fingerprint("second"), LeaseToken.random(), LONG);
      assertThat(again).isEqualTo(new Reservation.Found(new StoredRecord.InProgress(fingerprint("first"))));
    }

    @Test
    void secondReserveLeavesTheHolderInCharge() {
      LeaseToken holder = acquire(key("k"));
      store.reserve(key("k"), fingerprint("request"), LeaseToken.random(), LONG);
      assertThat(store.complete(key("k"), holder, bytes("done"), LONG)).isTrue();
    }

    @Test
    void reserveOfCompletedKeyReturnsTheResult() {
      LeaseToken token = acquire(key("k"), fingerprint("a"), LONG);
      store.complete(key("k"), token, bytes("result"), LONG);
      Reservation again = store.reserve(key("k"), fingerprint("a"), LeaseToken.random(), LONG);
      assertThat(again).isEqualTo(new Reservation.Found(new StoredRecord.Completed(fingerprint("a"), bytes("result"))));
    }

    @Test
    void keysAreScopedByNamespaceTenantAndKey() {
      List<IdempotencyKey> distinct = List.of(
          IdempotencyKey.of(namespace, "t", "k"),
          IdempotencyKey.of(namespace, "t", "k2"),
          IdempotencyKey.of(namespace, "t2", "k"),
          IdempotencyKey.of(namespace, "", "k"),
          IdempotencyKey.of(namespace + "x", "t", "k"),
          // Parts holding the separators of the encoded form must not collide.
          IdempotencyKey.of(namespace, "a|1:b", "c"),
          IdempotencyKey.of(namespace, "a", "1:b|c"),
          IdempotencyKey.of(namespace + "|1:t", "", "k"));
      for (IdempotencyKey key : distinct) {
        acquire(key, fingerprint("a"), LONG);
      }
      store.purge(namespace + "x");
      store.purge(namespace + "|1:t");
    }
  }

  @Nested
  class Complete {

    @Test
    void completeThenFindReturnsEmptyResult() {
      assertRoundTrip(new byte[0]);
    }

    @Test
    void completeThenFindReturnsEveryByteValue() {
      byte[] all = new byte[512];
      for (int i = 0; i < all.length; i++) {
        all[i] = (byte) i;
      }
      assertRoundTrip(all);
    }

    @Test
    void completeThenFindReturnsOneMebibyte() {
      byte[] big = new byte[1024 * 1024];
      new Random(42).nextBytes(big);
      assertRoundTrip(big);
    }

    private void assertRoundTrip(byte[] result) {
      LeaseToken token = acquire(key("k"), fingerprint("a"), LONG);
      assertThat(store.complete(key("k"), token, result.clone(), LONG)).isTrue();
      Optional<StoredRecord> found = store.find(key("k"));
      assertThat(found).get().isInstanceOf(StoredRecord.Completed.class);
      StoredRecord.Completed completed = (StoredRecord.Completed) found.get();
      assertThat(completed.fingerprint()).isEqualTo(fingerprint("a"));
      assertThat(completed.result()).isEqualTo(result);
    }

    @Test
    void completeWithWrongTokenReturnsFalseAndChangesNothing() {
      acquire(key("k"), fingerprint("a"), LONG);
      assertThat(store.complete(key("k"), LeaseToken.random(), bytes("forged"), LONG)).isFalse();
      assertThat(store.find(key("k"))).contains(new StoredRecord.InProgress(fingerprint("a")));
    }

    @Test
    void secondCompleteIsRejectedAndKeepsTheFirstResult() {
      LeaseToken token = acquire(key("k"), fingerprint("a"), LONG);
      assertThat(store.complete(key("k"), token, bytes("first"), LONG)).isTrue();
      assertThat(store.complete(key("k"), token, bytes("second"), LONG)).isFalse();
      assertThat(store.find(key("k"))).contains(new StoredRecord.Completed(fingerprint("a"), bytes("first")));
    }

    @Test
    void completeOfAbsentKeyReturnsFalseAndCreatesNothing() {
      assertThat(store.complete(key("never"), LeaseToken.random(), bytes("x"), LONG)).isFalse();
      assertThat(store.find(key("never"))).isEmpty();
    }
  }

  @Nested
  class Release {

    @Test
    void releaseByHolderMakesKeyAbsent() {
      LeaseToken token = acquire(key("k"));
      assertThat(store.release(key("k"), token)).isTrue();
      assertThat(store.find(key("k"))).isEmpty();
      acquire(key("k"));
    }

    @Test
    void releaseWithWrongTokenReturnsFalseAndChangesNothing() {
      acquire(key("k"), fingerprint("a"), LONG);
      assertThat(store.release(key("k"), LeaseToken.random())).isFalse();
      assertThat(store.find(key("k"))).contains(new StoredRecord.InProgress(fingerprint("a")));
    }

    @Test
    void completedRecordCannotBeReleased() {
      LeaseToken token = acquire(key("k"), fingerprint("a"), LONG);
      store.complete(key("k"), token, bytes("r"), LONG);
      assertThat(store.release(key("k"), token)).isFalse();
      assertThat(store.find(key("k"))).contains(new StoredRecord.Completed(fingerprint("a"), bytes("r")));
    }

    @Test
    void releaseOfAbsentKeyReturnsFalse() {
      assertThat(store.release(key("never"), LeaseToken.random())).isFalse();
    }
  }

  @Nested
  class ExpiryAndFencing {

    @Test
    void expiredLeaseIsTakenOverWithNewToken() {
      LeaseToken first = acquire(key("k"), fingerprint("a"), shortLease());
      elapsePast(shortLease());
      assertThat(store.find(key("k"))).as("an expired lease is absent").isEmpty();
      LeaseToken second = acquire(key("k"), fingerprint("b"), LONG);
      assertThat(second).isNotEqualTo(first);
      assertThat(store.find(key("k"))).contains(new StoredRecord.InProgress(fingerprint("b")));
    }

    @Test
    void staleTokenCannotCompleteAfterTakeover() {
      LeaseToken stale = acquire(key("k"), fingerprint("a"), shortLease());
      elapsePast(shortLease());
      LeaseToken current = acquire(key("k"), fingerprint("a"), LONG);
      assertThat(store.complete(key("k"), stale, bytes("late"), LONG)).isFalse();
      assertThat(store.find(key("k"))).contains(new StoredRecord.InProgress(fingerprint("a")));
      assertThat(store.complete(key("k"), current, bytes("current"), LONG)).isTrue();
    }

    @Test
    void staleTokenCannotReleaseAfterTakeover() {
      LeaseToken stale = acquire(key("k"), fingerprint("a"), shortLease());
      elapsePast(shortLease());
      acquire(key("k"), fingerprint("a"), LONG);
      assertThat(store.release(key("k"), stale)).isFalse();
      assertThat(store.find(key("k"))).contains(new StoredRecord.InProgress(fingerprint("a")));
    }

    @Test
    void staleTokenCannotExtendAfterTakeover() {
      LeaseExtendingStore extending = extendingStore();
      LeaseToken stale = acquire(key("k"), fingerprint("a"), shortLease());
      elapsePast(shortLease());
      acquire(key("k"), fingerprint("a"), LONG);
      assertThat(extending.extend(key("k"), stale, LONG)).isFalse();
    }

    @Test
    void expiredLeaseCannotBeCompletedEvenWithoutTakeover() {
      LeaseToken token = acquire(key("k"), fingerprint("a"), shortLease());
      elapsePast(shortLease());
      assertThat(store.complete(key("k"), token, bytes("late"), LONG)).isFalse();
      assertThat(store.find(key("k"))).isEmpty();
    }

    @Test
    void retentionExpiryMakesKeyAbsent() {
      LeaseToken token = acquire(key("k"), fingerprint("a"), LONG);
      assertThat(store.complete(key("k"), token, bytes("r"), shortLease())).isTrue();
      assertThat(store.find(key("k"))).isPresent();
      elapsePast(shortLease());
      assertThat(store.find(key("k"))).isEmpty();
      acquire(key("k"), fingerprint("b"), LONG);
    }
  }

  @Nested
  class DeleteAndPurge {

    @Test
    void findOfAbsentKeyIsEmpty() {
      assertThat(store.find(key("never"))).isEmpty();
    }

    @Test
    void deleteRemovesInProgressAndCompletedRecords() {
      acquire(key("running"));
      LeaseToken token = acquire(key("done"));
      store.complete(key("done"), token, bytes("r"), LONG);
      assertThat(store.delete(key("running"))).isTrue();
      assertThat(store.delete(key("done"))).isTrue();
      assertThat(store.find(key("running"))).isEmpty();
      assertThat(store.find(key("done"))).isEmpty();
      assertThat(store.delete(key("done"))).isFalse();
    }

    @Test
    void purgeRemovesOneNamespaceOnly() {
      String other = namespace + "-other";
      String prefixed = namespace + "|x";
      IdempotencyKey otherKey = IdempotencyKey.of(other, "tenant", "k");
      IdempotencyKey prefixedKey = IdempotencyKey.of(prefixed, "tenant", "k");
      acquire(key("a"));
      LeaseToken token = acquire(key("b"));
      store.complete(key("b"), token, bytes("r"), LONG);
      acquire(IdempotencyKey.of(namespace, "other-tenant", "c"));
      acquire(otherKey);
      acquire(prefixedKey);
      try {
        assertThat(store.purge(namespace)).isEqualTo(3);
        assertThat(store.find(key("a"))).isEmpty();
        assertThat(store.find(key("b"))).isEmpty();
        assertThat(store.find(otherKey)).isPresent();
        assertThat(store.find(prefixedKey)).isPresent();
      } finally {
        store.purge(other);
        store.purge(prefixed);
      }
    }

    @Test
    void purgeOfEmptyNamespaceRemovesNothing() {
      assertThat(store.purge(namespace)).isZero();
    }
  }

  /** The store as a {@link LeaseExtendingStore}, or a skipped test when it has no such capability. */
  protected LeaseExtendingStore extendingStore() {
    assumeTrue(store instanceof LeaseExtendingStore,
        () -> store.getClass().getSimpleName() + " cannot extend leases (not a LeaseExtendingStore)");
    return (LeaseExtendingStore) store;
  }
}
