package io.idem.spring.autoconfigure;

import io.idem.micrometer.IdempotencyMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Idem's meters ({@code idem.*}, names in {@code IdemMetricNames}) in the application's registry. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({MeterRegistry.class, IdempotencyMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
class MetricsConfiguration {

  @Bean
  @ConditionalOnMissingBean
  IdempotencyMetrics idempotencyMetrics(MeterRegistry registry) {
    return IdempotencyMetrics.register(registry);
  }
}
