package io.idem.redis;

import static io.idem.redis.RecordLayout.HEADER_LENGTH;
import static io.idem.redis.RecordLayout.HELD_PREFIX_LENGTH;
import static io.idem.redis.RecordLayout.MAGIC;
import static io.idem.redis.RecordLayout.STATE_OFFSET;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One of the fenced scripts, run with {@code EVALSHA} (one round trip) and sent whole with
 * {@code EVAL} only when the server answers {@code NOSCRIPT} (after a restart, a failover or
 * {@code SCRIPT FLUSH}).
 *
 * <p>Every script starts with the same fence over the record header (see {@link RecordLayout}):
 * it reads only the header with {@code GETRANGE} and compares its first bytes to the caller's
 * {@code ARGV[1]}, the magic, version, in-progress state and lease token of a held lease. It
 * answers 1 (done), 0 (absent, completed or held by another token: nothing changed) or -1 (the value
 * is not an Idem record: nothing changed). The scripts deliberately use no {@code GET} or
 * {@code SET}, so {@code INFO commandstats} tells client round trips from script-internal calls
 * ({@code PSETEX} is {@code SET .. PX} under another name).
 *
 * <p>Complete, release and delete then {@code SPUBLISH} on the record's key as a shard channel, so a
 * store's waiting duplicates wake at once ({@link RedisSignals}, decision 0110): in the script, so it
 * costs no round trip, and on the key's own slot, so a Cluster delivers it from the key's master alone.
 * A completion publishes the completed record itself (up to {@link #MAX_SIGNALLED_RESULT} bytes of
 * result), so the woken waiters need no read; it is published only after the fence passed and the
 * record was written, so it is always what the key holds.
 */
final class LuaScript {

  private static final String FENCE = """
      local head = redis.call('GETRANGE', KEYS[1], 0, %d)
      if head == '' then return 0 end
      if #head < %d or string.sub(head, 1, %d) ~= string.sub(ARGV[1], 1, %d) then return -1 end
      if string.sub(head, 1, %d) ~= ARGV[1] then return 0 end
      """.formatted(HEADER_LENGTH - 1, HEADER_LENGTH, MAGIC.length + 1, MAGIC.length + 1, HELD_PREFIX_LENGTH);

  /**
   * Largest result a completion's signal carries: its waiters answer from the signal without reading
   * the key. A larger one publishes only {@code completed}, so a big response is not sent twice.
   */
  static final int MAX_SIGNALLED_RESULT = 64 * 1024;

  /**
   * ARGV: held prefix, result bytes, retention in ms. Rewrites the record in one call: the header
   * with the state byte flipped, then the result, with the retention as its TTL. A held record is
   * exactly its header, so {@code head} is the whole value.
   */
  static final LuaScript COMPLETE = new LuaScript("complete", FENCE + """
      local record = string.sub(head, 1, %d) .. 'C' .. string.sub(head, %d) .. ARGV[2]
      redis.call('PSETEX', KEYS[1], ARGV[3], record)
      if #ARGV[2] <= %d then
        redis.call('SPUBLISH', KEYS[1], record)
      else
        redis.call('SPUBLISH', KEYS[1], 'completed')
      end
      return 1
      """.formatted(STATE_OFFSET, STATE_OFFSET + 2, MAX_SIGNALLED_RESULT));

  /** ARGV: held prefix. */
  static final LuaScript RELEASE = new LuaScript("release", FENCE + """
      redis.call('DEL', KEYS[1])
      redis.call('SPUBLISH', KEYS[1], 'released')
      return 1
      """);

  /** No ARGV, no fence: removes whatever is under the key and says whether something was. */
  static final LuaScript DELETE = new LuaScript("delete", """
      if redis.call('DEL', KEYS[1]) == 0 then return 0 end
      redis.call('SPUBLISH', KEYS[1], 'deleted')
      return 1
      """);

  /** ARGV: held prefix, lease in ms. */
  static final LuaScript EXTEND = new LuaScript("extend", FENCE + """
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return 1
      """);

  static final long DONE = 1;
  static final long NOT_HELD = 0;
  static final long FOREIGN_VALUE = -1;

  final String name;
  final byte[] source;
  final String sha1;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source.getBytes(StandardCharsets.UTF_8);
    this.sha1 = sha1(this.source);
  }

  private static String sha1(byte[] source) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-1", e);
    }
  }

  @Override
  public String toString() {
    return "LuaScript[" + name + ", " + sha1 + "]";
  }
}
