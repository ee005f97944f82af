package io.idem.spring.autoconfigure;

import io.idem.spi.IdempotencyStore;
import java.util.Optional;

/**
 * A store Idem can open on something the application already has (a Redis connection, a
 * DataSource), when {@code idem.store} is unset. Beans of this type are asked in order; the first
 * that finds what it needs is used.
 */
interface DetectedStore {

  /** The store, opened but not yet read from, or empty when the application has nothing for it. */
  Optional<Found> detect();

  /** An opened store, what it is on (for messages), and what to do if it does not answer. */
  record Found(IdempotencyStore store, String description, String hint) {}
}
