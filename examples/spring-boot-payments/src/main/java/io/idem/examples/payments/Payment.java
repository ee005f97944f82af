package io.idem.examples.payments;

import java.time.Instant;

/** A payment this instance created. */
record Payment(String id, long amount, String currency, Instant createdAt) {}
