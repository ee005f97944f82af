/** The embedded in-memory store, {@link io.idem.memory.MemoryStore}. */
package io.idem.memory;
