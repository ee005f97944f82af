/**
 * The store SPI: atomic primitives a backend implements ({@link io.idem.spi.IdempotencyStore},
 * optionally {@link io.idem.spi.LeaseExtendingStore}) and the values they return. Decisions live in the
 * engine, never in a store.
 */
package io.idem.spi;
