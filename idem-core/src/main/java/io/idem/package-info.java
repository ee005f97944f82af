/**
 * Idem's public API: the engine {@link io.idem.Idempotency}, its immutable
 * {@link io.idem.IdempotencyConfig}, keys, fingerprints, lease tokens, outcomes and the listener SPI.
 */
package io.idem;
