package io.idem;

/**
 * The attempt's lease expired and another attempt took the key over before transactional work could
 * commit ({@link Idempotency#executeInTransaction}). The work's writes were rolled back with the
 * record: nothing happened, and the other attempt owns the key.
 */
public final class LeaseLostException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(IdempotencyKey key) {
    super("the lease on " + key + " was lost before the work committed; its writes were rolled back");
  }
}
