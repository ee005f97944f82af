package io.idem.spring.autoconfigure;

import io.idem.spi.IdempotencyStore;
import io.idem.storeuri.StoreUri;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The store, unless the application has one: the one {@code idem.store} names; else the first
 * {@link DetectedStore} that finds what it needs (the Redis server of Spring Data Redis, then the
 * application's DataSource); else memory. Whichever it is, one read at start proves it answers, so
 * a wrong address or a missing table stops the application with a clear message.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(IdempotencyStore.class)
@Import({RedisDetection.class, JdbcDetection.class})
class StoreConfiguration {

  @Bean(destroyMethod = "close")
  IdempotencyStore idempotencyStore(IdemProperties properties, ObjectProvider<DetectedStore> detected) {
    String uri = properties.getStore();
    if (uri != null && !uri.isBlank()) {
      return StoreUri.open(uri);
    }
    Optional<DetectedStore.Found> found = detected.orderedStream().map(DetectedStore::detect)
        .flatMap(Optional::stream).findFirst();
    if (found.isEmpty()) {
      return StoreUri.open("memory:");
    }
    return probed(found.get());
  }

  private static IdempotencyStore probed(DetectedStore.Found found) {
    IdempotencyStore store = found.store();
    RuntimeException failure = StoreProbe.failure(store);
    if (failure == null) {
      return store;
    }
    try {
      store.close();
    } catch (Exception closeFailure) {
      failure.addSuppressed(closeFailure);
    }
    throw new IllegalStateException("Idem cannot use " + found.description() + ": " + failure.getMessage()
        + found.hint(), failure);
  }
}
