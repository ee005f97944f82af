package io.idem.testkit;

import static io.idem.testkit.StoreFixture.bytes;
import static io.idem.testkit.StoreFixture.fingerprint;
import static org.assertj.core.api.Assertions.assertThat;

import io.idem.LeaseToken;
import io.idem.spi.LeaseExtendingStore;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link LeaseExtendingStore}: only the holder of a live lease extends it, and an
 * extended lease outlives its first expiry. A store's test class implements this interface when its
 * store extends leases (every built-in one does).
 */
public interface LeaseExtensionContract extends StoreFixture {

  private LeaseExtendingStore extending() {
    assertThat(store()).as("a store under the lease-extension contract").isInstanceOf(LeaseExtendingStore.class);
    return (LeaseExtendingStore) store();
  }

  @Test
  default void extendKeepsLeaseAlivePastItsFirstExpiry() {
    Duration lease = shortLease();
    LeaseToken token = acquire(key("k"), fingerprint("a"), lease);
    elapse(lease.dividedBy(2));
    assertThat(extending().extend(key("k"), token, lease.multipliedBy(4))).isTrue();
    elapsePast(lease);
    assertThat(store().reserve(key("k"), fingerprint("a"), LeaseToken.random(), LONG))
        .isEqualTo(new Reservation.Found(new StoredRecord.InProgress(fingerprint("a"))));
    assertThat(store().complete(key("k"), token, bytes("r"), LONG)).isTrue();
  }

  @Test
  default void extendWithWrongTokenReturnsFalse() {
    acquire(key("k"));
    assertThat(extending().extend(key("k"), LeaseToken.random(), LONG)).isFalse();
  }

  @Test
  default void extendOfCompletedRecordReturnsFalseAndKeepsIt() {
    LeaseToken token = acquire(key("k"), fingerprint("a"), LONG);
    store().complete(key("k"), token, bytes("r"), LONG);
    assertThat(extending().extend(key("k"), token, LONG)).isFalse();
    assertThat(store().find(key("k"))).contains(new StoredRecord.Completed(fingerprint("a"), bytes("r")));
  }

  @Test
  default void extendAsyncIsTheSameFencedOperation() throws Exception {
    LeaseToken token = acquire(key("k"), fingerprint("a"), LONG);
    assertThat(extending().extendAsync(key("k"), token, LONG).toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isTrue();
    assertThat(extending().extendAsync(key("k"), LeaseToken.random(), LONG).toCompletableFuture()
        .get(30, TimeUnit.SECONDS)).isFalse();
  }
}
