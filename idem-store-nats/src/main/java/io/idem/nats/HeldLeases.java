package io.idem.nats;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases this store instance took, by token: the revision its write got and when it sent it.
 * With them, complete, release and extend go straight to the compare-and-set, one round trip, instead
 * of reading the key first. They are hints, never the fence: the server's revision check is. A holder
 * this instance does not know (another instance reserved, or the entry was dropped) costs one read.
 *
 * <p>An entry leaves when its attempt completes or releases. Attempts that do neither (their caller
 * gave up on a failed store) are dropped once their lease is over, when the map grows past a bound.
 */
final class HeldLeases {

  private static final int FIRST_SWEEP_AT = 4096;

  /**
   * One lease held by this instance.
   *
   * @param sentAtMillis the store clock when the write that took or extended it was sent: never later
   *     than the server's timestamp of that write, so the holder gives up no later than any reader
   */
  record Held(IdempotencyKey key, String natsKey, long revision, Fingerprint fingerprint, long sentAtMillis,
      long leaseMillis) {
    boolean expiredAt(long nowMillis) {
      return nowMillis - sentAtMillis >= leaseMillis;
    }
  }

  private final ConcurrentHashMap<LeaseToken, Held> held = new ConcurrentHashMap<>();
  private final Clock clock;
  private volatile int sweepAt = FIRST_SWEEP_AT;

  HeldLeases(Clock clock) {
    this.clock = clock;
  }

  void hold(LeaseToken token, Held lease) {
    held.put(token, lease);
    if (held.size() > sweepAt) {
      sweep();
    }
  }

  /** The lease {@code token} holds on {@code key} through this instance, or null. */
  Held find(LeaseToken token, IdempotencyKey key) {
    Held lease = held.get(token);
    return lease != null && lease.key().equals(key) ? lease : null;
  }

  void forget(LeaseToken token) {
    held.remove(token);
  }

  int size() {
    return held.size();
  }

  private synchronized void sweep() {
    if (held.size() <= sweepAt) {
      return;
    }
    long now = clock.millis();
    held.values().removeIf(lease -> lease.expiredAt(now));
    // Many live leases: sweep again only when the map has doubled, so inserts stay cheap.
    sweepAt = Math.max(FIRST_SWEEP_AT, held.size() * 2);
  }
}
