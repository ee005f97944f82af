package io.idem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.IdempotencyStore;
import io.idem.spi.Reservation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What every store contract works with: the store under test, keys in the test's own namespace, and
 * time. {@link IdempotencyStoreContract} provides it; the capability contracts
 * ({@link LeaseExtensionContract}, {@link AsyncStoreContract}) are interfaces over it, so a store's
 * test class runs exactly the contracts that apply by implementing them.
 */
public interface StoreFixture {

  /** Long enough that no live lease expires during a test. */
  Duration LONG = Duration.ofMinutes(5);

  IdempotencyStore store();

  /** A key in the current test's namespace. */
  IdempotencyKey key(String name);

  /** Lets {@code duration} pass for the store's clock. */
  void elapse(Duration duration);

  /** A lease that expiry tests wait out. */
  Duration shortLease();

  default LeaseToken acquire(IdempotencyKey key, Fingerprint fingerprint, Duration lease) {
    LeaseToken token = LeaseToken.random();
    Reservation reservation = store().reserve(key, fingerprint, token, lease);
    assertThat(reservation).as("reserve of a free key").isEqualTo(new Reservation.Acquired(token));
    return token;
  }

  default LeaseToken acquire(IdempotencyKey key) {
    return acquire(key, fingerprint("request"), LONG);
  }

  /** Waits until a record given {@code lease} has certainly expired. */
  default void elapsePast(Duration lease) {
    elapse(lease.plus(lease.dividedBy(2)).plusMillis(50));
  }

  static Fingerprint fingerprint(String request) {
    return Fingerprint.of(request);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
