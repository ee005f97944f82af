package io.idem.redis;

import io.idem.IdempotencyKey;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.nio.charset.StandardCharsets;

/**
 * {@code purge}: scans every master for one namespace's keys ({@code SCAN MATCH}, glob characters
 * escaped) and unlinks them page by page. Each command is bounded like every other; the count is
 * exact for the keys it removed, and keys written while it runs may survive.
 */
final class NamespacePurge {

  private static final int SCAN_PAGE = 1000;
  private static final String OPERATION = "purge";

  private final BoundedCommands commands;
  private final String keyPrefix;

  NamespacePurge(BoundedCommands commands, String keyPrefix) {
    this.commands = commands;
    this.keyPrefix = keyPrefix;
  }

  long purge(String namespace) {
    String prefix = keyPrefix + IdempotencyKey.namespacePrefix(namespace);
    ScanArgs match = new ScanArgs().match(escapeGlob(prefix).concat("*").getBytes(StandardCharsets.UTF_8))
        .limit(SCAN_PAGE);
    long removed = 0;
    for (RedisBackend.Node node : commands.masters(OPERATION)) {
      ScanCursor cursor = ScanCursor.INITIAL;
      KeyScanCursor<byte[]> page;
      do {
        ScanCursor from = cursor;
        page = BoundedCommands.await(OPERATION, commands.call(OPERATION, null, () -> node.commands().scan(from, match)));
        byte[][] keys = page.getKeys().toArray(new byte[0][]);
        if (keys.length > 0) {
          // Through the store's routing connection: in a Cluster, each key goes to its slot's node.
          Long unlinked = BoundedCommands.await(OPERATION,
              commands.call(OPERATION, null, () -> commands.backend().commands().unlink(keys)));
          removed += unlinked == null ? 0 : unlinked;
        }
        cursor = page;
      } while (!page.isFinished());
    }
    return removed;
  }

  /** Escapes Redis glob characters, so a prefix matches only itself in {@code SCAN MATCH}. */
  static String escapeGlob(String literal) {
    StringBuilder escaped = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }
}
