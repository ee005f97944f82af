/**
 * What a store author needs to prove a store correct: the contract suite
 * {@link io.idem.testkit.IdempotencyStoreContract}, a start-gated {@link io.idem.testkit.RaceTester}
 * and a {@link io.idem.testkit.ManualClock}.
 */
package io.idem.testkit;
