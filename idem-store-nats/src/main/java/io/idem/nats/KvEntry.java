package io.idem.nats;

/**
 * The last message under one key of the bucket, as the server keeps it.
 *
 * @param revision the message's stream sequence: what a compare-and-set names
 * @param timestampMillis when the server stored it, by the server's clock
 * @param marker whether it is a delete or purge marker (the key is absent) rather than a value
 * @param value the bytes (empty for a marker)
 */
record KvEntry(long revision, long timestampMillis, boolean marker, byte[] value) {}
