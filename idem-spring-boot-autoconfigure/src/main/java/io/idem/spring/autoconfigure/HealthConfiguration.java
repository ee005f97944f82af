package io.idem.spring.autoconfigure;

import io.idem.spi.IdempotencyStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code idem} health indicator: UP while the store answers a read, DOWN with the error when it
 * does not. One for Boot 4's health API and one for Boot 3's; each only where its API is.
 */
@AutoConfiguration(after = IdemAutoConfiguration.class)
@ConditionalOnBean(IdempotencyStore.class)
@ConditionalOnProperty(prefix = "management.health.idem", name = "enabled", havingValue = "true", matchIfMissing = true)
public class HealthConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot4 {
    @Bean
    @ConditionalOnMissingBean(name = "idemHealthIndicator")
    HealthIndicator idemHealthIndicator(IdempotencyStore store) {
      return () -> {
        RuntimeException failure = StoreProbe.failure(store);
        Health.Builder health = failure == null ? Health.up() : Health.down(failure);
        return health.withDetail("store", store.getClass().getSimpleName()).build();
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  static class Boot3 {
    @Bean
    @ConditionalOnMissingBean(name = "idemHealthIndicator")
    org.springframework.boot.actuate.health.HealthIndicator idemHealthIndicator(IdempotencyStore store) {
      return () -> {
        RuntimeException failure = StoreProbe.failure(store);
        org.springframework.boot.actuate.health.Health.Builder health = failure == null
            ? org.springframework.boot.actuate.health.Health.up()
            : org.springframework.boot.actuate.health.Health.down(failure);
        return health.withDetail("store", store.getClass().getSimpleName()).build();
      };
    }
  }
}
