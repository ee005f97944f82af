package io.idem.storeuri;

import io.idem.redis.RedisStore;
import io.idem.spi.IdempotencyStore;

/** {@code redis://}, {@code rediss://}. A class of its own so that only this scheme needs idem-store-redis. */
final class RedisBackend {

  private RedisBackend() {}

  static IdempotencyStore open(String uri) {
    return RedisStore.create(uri);
  }
}
