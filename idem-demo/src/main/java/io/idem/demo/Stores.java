package io.idem.demo;

import io.idem.jdbc.JdbcStore;
import io.idem.memory.MemoryStore;
import io.idem.redis.RedisStore;
import io.idem.spi.IdempotencyStore;
import java.util.Locale;

/** Opens the store a {@code --store} URI names. */
final class Stores {

  private Stores() {}

  /** @throws IllegalStateException naming the store when it cannot be opened */
  static IdempotencyStore open(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    try {
      if (lower.equals("memory:")) {
        return MemoryStore.builder().maximumSize(1_000_000).build();
      }
      if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
        return RedisStore.create(uri);
      }
      if (lower.startsWith("jdbc:")) {
        return JdbcStore.fromUrl(uri);
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open the store " + redact(uri) + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException("unsupported store " + redact(uri));
  }

  /** Keeps passwords in URIs out of logs and messages. */
  static String redact(String uri) {
    return uri.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@");
  }
}
