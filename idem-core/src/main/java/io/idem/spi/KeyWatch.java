package io.idem.spi;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** One waiter's registration with a {@link SignallingStore}. Always closed, signalled or not. */
public interface KeyWatch extends AutoCloseable {

  /**
   * Completes when the key was completed, released or deleted (or spuriously); fails when the channel
   * is down. When the signal carried the completed record, the stage holds it and the waiter answers
   * from it without reading the store again (a completed record does not change until it expires);
   * empty means "read again". The record may be shared by every watch one signal wakes: read its
   * bytes, never change them.
   */
  CompletionStage<Optional<StoredRecord.Completed>> signalled();

  /** Unregisters; never throws. */
  @Override
  void close();
}
