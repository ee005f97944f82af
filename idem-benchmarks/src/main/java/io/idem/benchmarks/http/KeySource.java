package io.idem.benchmarks.http;

import java.util.concurrent.atomic.AtomicLong;

/** Which idempotency key the next request carries. */
interface KeySource {

  /** The next key; {@code index} counts this connection's requests. */
  String next(int connection, long index);

  /** A key never used before. */
  static KeySource unique(String prefix) {
    AtomicLong counter = new AtomicLong();
    return (connection, index) -> prefix + "-" + counter.incrementAndGet();
  }

  /** Keys that completed in {@code originals}, round robin: every request is a replay. */
  static KeySource replaying(LoadPhase originals) {
    return (connection, index) -> originals.completedKey(connection, index);
  }
}
