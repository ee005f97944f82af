package io.idem.spi;

import java.util.concurrent.CompletionStage;

/** One waiter's registration with a {@link SignallingStore}. Always closed, signalled or not. */
public interface KeyWatch extends AutoCloseable {

  /** Completes when the key was completed, released or deleted (or spuriously); fails when the channel is down. */
  CompletionStage<Void> signalled();

  /** Unregisters; never throws. */
  @Override
  void close();
}
