package io.idem.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a server's memory settings can evict Idem's records. Every Idem key carries a TTL, so the
 * {@code volatile-*} policies can pick them just like the {@code allkeys-*} ones: only
 * {@code noeviction} is safe once {@code maxmemory} is set. With {@code maxmemory 0} Redis never
 * evicts, whatever the policy says. See docs/decisions/0101-redis-eviction-warning.md.
 */
final class EvictionCheck {

  static final String SAFE_POLICY = "noeviction";
  // Logged under the store's name: that is the logger users look for (and may have configured).
  private static final System.Logger LOG = System.getLogger(RedisStore.class.getName());

  private EvictionCheck() {}

  /**
   * Reads {@code maxmemory-policy} and {@code maxmemory} from every master, logs a warning for each
   * one that could evict, and returns the warnings. A master that will not tell (CONFIG renamed or
   * disabled, say) is logged at INFO and skipped: the policy is advice, not a reason to refuse to start.
   */
  static List<String> run(BoundedCommands commands) {
    List<String> warnings = new ArrayList<>();
    for (RedisBackend.Node node : commands.masters("start")) {
      Map<String, String> config;
      try {
        config = BoundedCommands.await("start",
            commands.call("start", null, () -> node.commands().configGet("maxmemory-policy", "maxmemory")));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.INFO, "Idem: could not read maxmemory-policy from Redis " + node.name() + " ("
            + e.getMessage() + "). Make sure it is noeviction: an evicted Idem record lets a retry run the request"
            + " twice.");
        continue;
      }
      warningFor(node.name(), config.get("maxmemory-policy"), parseMaxmemory(config.get("maxmemory")))
          .ifPresent(warning -> {
            LOG.log(System.Logger.Level.WARNING, warning);
            warnings.add(warning);
          });
    }
    return List.copyOf(warnings);
  }

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
