package io.idem.demo;

import java.time.Instant;

/** A payment the demo created. */
record Payment(String id, long amount, String currency, Instant createdAt) {}
