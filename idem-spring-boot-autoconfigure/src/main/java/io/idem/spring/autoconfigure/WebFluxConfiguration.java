package io.idem.spring.autoconfigure;

import io.idem.Idempotency;
import io.idem.spring.internal.IdempotentSettings;
import io.idem.spring.web.HandlerChecks;
import io.idem.spring.web.IdempotentRoutes;
import io.idem.spring.webflux.IdempotencyWebFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/** Spring WebFlux: Idem's WebFilter, after Spring Security's. */
@AutoConfiguration(after = IdemAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(DispatcherHandler.class)
@ConditionalOnBean(Idempotency.class)
@ConditionalOnProperty(prefix = "idem.http", name = "enabled", havingValue = "true", matchIfMissing = true)
public class WebFluxConfiguration {

  @Bean
  @ConditionalOnMissingBean
  IdempotencyWebFilter idempotencyWebFilter(IdempotentRoutes routes, ObjectProvider<RequestMappingHandlerMapping> mappings) {
    return new IdempotencyWebFilter(routes, () -> mappings.orderedStream().toList(), WebOrder.AFTER_SECURITY);
  }

  /** Every @Idempotent handler's settings built at start-up: a bad value stops the application. */
  @Bean
  SmartInitializingSingleton idempotentHandlersCheck(IdempotentRoutes routes,
      ObjectProvider<RequestMappingHandlerMapping> mappings) {
    return () -> mappings.orderedStream().forEach(mapping -> HandlerChecks.check(routes,
        mapping.getHandlerMethods(), info -> info.getMethodsCondition().getMethods()));
  }

  @Bean
  @ConditionalOnMissingBean
  IdempotentRoutes idempotentRoutes(Idempotency engine, IdemProperties properties, IdempotentSettings settings) {
    return HttpSettings.routes(engine, properties, settings);
  }
}
