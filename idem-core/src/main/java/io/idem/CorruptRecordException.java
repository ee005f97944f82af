package io.idem;

/**
 * Bytes under an Idem key that Idem cannot read: truncated, from a foreign writer, or written by a
 * future format version. Never silently treated as absent, because that would run the work twice.
 */
public final class CorruptRecordException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  public CorruptRecordException(String message) {
    super(message);
  }

  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
