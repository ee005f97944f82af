package io.idem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a request was: a SHA-256 over its parts. A retry with the same key but another fingerprint is
 * a different request reusing the key (422 in HTTP terms).
 */
public final class Fingerprint {

  private static final MessageDigest PROTOTYPE = lookUpDigest();

  public static final int LENGTH = 32;

  /** The fingerprint of "no content", for callers that only need at-most-once and no mismatch check. */
  public static final Fingerprint EMPTY = sha256();

  private final byte[] bytes;

  private Fingerprint(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * SHA-256 over the parts, each prefixed with its length so that moving bytes between parts
   * ({@code "ab","c"} versus {@code "a","bc"}) changes the fingerprint.
   */
  public static Fingerprint sha256(byte[]... parts) {
    MessageDigest digest = newDigest();
    byte[] length = new byte[4];
    for (byte[] part : parts) {
      Objects.requireNonNull(part, "fingerprint part");
      int n = part.length;
      length[0] = (byte) (n >>> 24);
      length[1] = (byte) (n >>> 16);
      length[2] = (byte) (n >>> 8);
      length[3] = (byte) n;
      digest.update(length);
      digest.update(part);
    }
    return new Fingerprint(digest.digest());
  }

  /** SHA-256 over UTF-8 strings, length-prefixed like {@link #sha256(byte[]...)}. */
  public static Fingerprint of(String... parts) {
    byte[][] bytes = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      bytes[i] = Objects.requireNonNull(parts[i], "fingerprint part").getBytes(StandardCharsets.UTF_8);
    }
    return sha256(bytes);
  }

  /** Rebuilds a fingerprint a store kept, e.g. from {@link #bytes()}. */
  public static Fingerprint fromBytes(byte[] digest) {
    if (digest == null || digest.length != LENGTH) {
      throw new CorruptRecordException("a fingerprint is " + LENGTH + " bytes, got "
          + (digest == null ? "null" : digest.length));
    }
    return new Fingerprint(digest.clone());
  }

  public static Fingerprint fromHex(String hex) {
    try {
      return fromBytes(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException("not a hex fingerprint: " + hex, e);
    }
  }

  /** A copy of the 32 digest bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  private static MessageDigest newDigest() {
    // A clone of a fresh digest skips the provider lookup getInstance does on every request.
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return lookUpDigest();
    }
  }

  private static MessageDigest lookUpDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fingerprint other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Fingerprint[" + hex().substring(0, 12) + "…]";
  }
}
