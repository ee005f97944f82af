package io.idem.redis;

import java.util.Optional;

/**
 * Whether a server's memory settings can evict Idem's records. Every Idem key carries a TTL, so the
 * {@code volatile-*} policies can pick them just like the {@code allkeys-*} ones: only
 * {@code noeviction} is safe once {@code maxmemory} is set. With {@code maxmemory 0} Redis never
 * evicts, whatever the policy says. See docs/decisions/0101-redis-eviction-warning.md.
 */
final class EvictionCheck {

  static final String SAFE_POLICY = "noeviction";

  private EvictionCheck() {}

  /** The warning to log for this server, or empty when it cannot evict Idem's keys. */
  static Optional<String> warningFor(String node, String policy, long maxmemoryBytes) {
    if (policy == null || SAFE_POLICY.equalsIgnoreCase(policy.trim()) || maxmemoryBytes == 0) {
      return Optional.empty();
    }
    return Optional.of("Redis " + node + " has maxmemory-policy " + policy + " with maxmemory "
        + maxmemoryBytes + " bytes: when memory runs out it may evict Idem records, and a retry of an"
        + " evicted key runs the request a second time. Fix: set maxmemory-policy to noeviction"
        + " (Redis then refuses writes when full, and Idem fails closed with StoreUnavailableException),"
        + " or keep Idem on a Redis of its own that has noeviction.");
  }

  /** Parses Redis's {@code maxmemory} answer; unreadable counts as set, so the check errs toward warning. */
  static long parseMaxmemory(String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
