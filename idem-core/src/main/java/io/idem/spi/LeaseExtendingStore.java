package io.idem.spi;

import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A store that can extend a live lease, so the engine's heartbeat keeps a slow but live attempt
 * from being taken over. A capability, declared by implementing this interface.
 */
public interface LeaseExtendingStore extends IdempotencyStore {

  /**
   * Atomically: if the key holds a live in-progress record with exactly {@code token}, make it expire
   * {@code lease} from now and return true. Otherwise change nothing and return false: the lease was
   * already lost, and the holder must not complete.
   */
  boolean extend(IdempotencyKey key, LeaseToken token, Duration lease);

  /** {@link #extend} without blocking the caller; same guarantee, failures through the stage. */
  CompletionStage<Boolean> extendAsync(IdempotencyKey key, LeaseToken token, Duration lease);
}
