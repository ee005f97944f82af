package io.idem.spring.autoconfigure;

import io.idem.Idempotency;
import io.idem.servlet.IdempotencyFilter;
import io.idem.spring.internal.IdempotentSettings;
import io.idem.spring.web.HandlerChecks;
import io.idem.spring.web.IdempotentMvcFilter;
import io.idem.spring.web.IdempotentRoutes;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Spring MVC: Idem's filter on every request, after Spring Security's. */
@AutoConfiguration(after = IdemAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({IdempotencyFilter.class, DispatcherServlet.class})
@ConditionalOnBean(Idempotency.class)
@ConditionalOnProperty(prefix = "idem.http", name = "enabled", havingValue = "true", matchIfMissing = true)
public class WebMvcConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "idempotencyFilterRegistration")
  FilterRegistrationBean<IdempotentMvcFilter> idempotencyFilterRegistration(IdempotentRoutes routes,
      ObjectProvider<RequestMappingHandlerMapping> mappings) {
    FilterRegistrationBean<IdempotentMvcFilter> registration = new FilterRegistrationBean<>(
        new IdempotentMvcFilter(routes, () -> mappings.orderedStream().toList()));
    registration.setName("idempotencyFilter");
    registration.setOrder(WebOrder.AFTER_SECURITY);
    return registration;
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
