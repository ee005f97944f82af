package io.idem;

/** What became of a key when its {@link Attempt} was finished. */
public enum Completion {
  /** The result (or the stored failure, or the summary of a result not kept) is stored: retries replay it. */
  STORED,
  /** The key was released without a result: a retry runs the work again. */
  RELEASED,
  /**
   * The store did not answer. The engine keeps retrying in the background, within the attempt's time
   * limit, and the key stays in progress meanwhile, so a retry is answered in-progress and never runs
   * the work again while the result can still be stored.
   */
  RETRYING,
  /** The lease had expired and another attempt took the key over: nothing was stored (fencing). */
  LEASE_LOST
}
