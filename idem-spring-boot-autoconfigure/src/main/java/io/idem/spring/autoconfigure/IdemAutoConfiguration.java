package io.idem.spring.autoconfigure;

import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyListener;
import io.idem.spi.IdempotencyStore;
import io.idem.spring.internal.IdempotentSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The {@link Idempotency} engine on the store {@link StoreConfiguration} picks, with the listeners
 * the application has (Idem's meters when there is a {@code MeterRegistry}). An engine or store bean
 * of the application's own wins.
 */
@AutoConfiguration(afterName = {
    // Boot 4 and Boot 3 names of what this one reads: the Redis connection, the DataSource, the meter registry.
    "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
    "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(IdemProperties.class)
@Import({StoreConfiguration.class, MetricsConfiguration.class})
public class IdemAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Idempotency idempotency(IdempotencyStore store, IdemProperties properties,
      ObjectProvider<IdempotencyListener> listeners) {
    return Idempotency.create(store, engineConfig(properties, FanOutListener.of(listeners.orderedStream().toList())));
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public IdempotentSettings idempotentSettings(Idempotency engine, Environment environment) {
    return new IdempotentSettings(engine, environment);
  }

  static IdempotencyConfig engineConfig(IdemProperties properties, IdempotencyListener listener) {
    return IdempotencyConfig.custom()
        .retention(properties.getRetention())
        .lease(properties.getLease())
        .attemptTimeLimit(properties.getAttemptTimeLimit())
        .waitForInProgress(properties.getWaitForInProgress())
        .inProgressPollInterval(properties.getInProgressPollInterval())
        .mismatchPolicy(properties.getMismatchPolicy())
        .failurePolicy(properties.getFailurePolicy())
        .heartbeat(properties.getHeartbeat())
        .listener(listener)
        .build();
  }
}
