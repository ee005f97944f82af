package io.idem.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Counts the commands a Redis server executed, from {@code INFO commandstats}. Redis counts the
 * commands a script runs too; the Idem scripts use only GETRANGE, PSETEX, PEXPIRE, DEL and SPUBLISH,
 * which the store itself never sends, so they are set apart.
 */
final class CommandStats implements AutoCloseable {

  static final Set<String> SCRIPT_INTERNAL = Set.of("getrange", "psetex", "pexpire", "del", "spublish");

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;

  CommandStats(String uri) {
    client = RedisClient.create(uri);
    connection = client.connect();
  }

  /** Calls per command since the server started, without INFO itself. */
  Map<String, Long> snapshot() {
    Map<String, Long> calls = new HashMap<>();
    for (String line : connection.sync().info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
        int start = line.indexOf("calls=") + "calls=".length();
        long count = Long.parseLong(line.substring(start, line.indexOf(',', start)));
        if (!name.equals("info")) {
          calls.put(name, count);
        }
      }
    }
    return calls;
  }

  /** The client-sent commands between two snapshots, by name. */
  static Map<String, Long> clientCommandsBetween(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new HashMap<>();
    after.forEach((name, count) -> {
      long added = count - before.getOrDefault(name, 0L);
      if (added > 0 && !SCRIPT_INTERNAL.contains(name)) {
        delta.put(name, added);
      }
    });
    return delta;
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
