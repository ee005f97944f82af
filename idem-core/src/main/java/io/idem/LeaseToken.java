package io.idem;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The fence of one attempt: 128 random bits chosen by the engine before it reserves. Only the
 * holder of the current token may complete, release or extend; an attempt whose lease expired and
 * was taken over holds a stale token and is refused.
 */
public final class LeaseToken {

  public static final int LENGTH = 16;

  // Tokens are cut from buffers of SecureRandom output: one DRBG call per 64 tokens instead of two per
  // token (measured ~1.4 µs per token otherwise, more than the rest of a request). The buffers are a
  // fixed set of stripes picked by thread id, not one per thread: a virtual thread per request would
  // otherwise seed a new DRBG for every request.
  private static final TokenSource[] STRIPES = newStripes();

  private final long high;
  private final long low;

  private LeaseToken(long high, long low) {
    this.high = high;
    this.low = low;
  }

  /** A new unguessable token. */
  public static LeaseToken random() {
    @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same number
    long id = Thread.currentThread().getId();
    TokenSource source = STRIPES[(int) (id ^ (id >>> 16)) & (STRIPES.length - 1)];
    synchronized (source) {
      return source.next();
    }
  }

  /** How many DRBGs the token sources have created; each is seeded once. For tests. */
  static int sourcesCreated() {
    return TokenSource.CREATED.get();
  }

  private static TokenSource[] newStripes() {
    int stripes = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 4 - 1)) * 2;
    TokenSource[] sources = new TokenSource[stripes];
    for (int i = 0; i < stripes; i++) {
      sources[i] = new TokenSource();
    }
    return sources;
  }

  public static LeaseToken fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new CorruptRecordException("a lease token is " + LENGTH + " bytes, got "
          + (bytes == null ? "null" : bytes.length));
    }
    return new LeaseToken(readLong(bytes, 0), readLong(bytes, 8));
  }

  public static LeaseToken fromHex(String hex) {
    try {
      return fromBytes(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException("not a hex lease token: " + hex, e);
    }
  }

  public byte[] bytes() {
    byte[] out = new byte[LENGTH];
    writeLong(out, 0, high);
    writeLong(out, 8, low);
    return out;
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes());
  }

  private static long readLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }

  private static void writeLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  /** A buffer of random bytes, refilled from a DRBG; callers hold its lock. */
  private static final class TokenSource {
    static final java.util.concurrent.atomic.AtomicInteger CREATED = new java.util.concurrent.atomic.AtomicInteger();
    private static final int TOKENS_PER_REFILL = 64;
    private SecureRandom random; // seeded at first use, so idle stripes cost nothing
    private final byte[] buffer = new byte[LENGTH * TOKENS_PER_REFILL];
    private int position = buffer.length;

    LeaseToken next() {
      if (position == buffer.length) {
        if (random == null) {
          random = newRandom();
        }
        random.nextBytes(buffer);
        position = 0;
      }
      LeaseToken token = new LeaseToken(readLong(buffer, position), readLong(buffer, position + 8));
      // Erase what was handed out, so the buffer never holds a token that is in use.
      java.util.Arrays.fill(buffer, position, position + LENGTH, (byte) 0);
      position += LENGTH;
      return token;
    }

    private static SecureRandom newRandom() {
      CREATED.incrementAndGet();
      try {
        return SecureRandom.getInstance("DRBG");
      } catch (NoSuchAlgorithmException e) {
        return new SecureRandom();
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeaseToken other && high == other.high && low == other.low;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(high) * 31 + Long.hashCode(low);
  }

  /** Shows only a prefix: the token is a capability and should not land in logs whole. */
  @Override
  public String toString() {
    return "LeaseToken[" + hex().substring(0, 8) + "…]";
  }
}
