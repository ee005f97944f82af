package io.idem.spring.autoconfigure;

import io.idem.Idempotency;
import io.idem.spring.Idempotent;
import io.idem.spring.internal.IdempotentSettings;
import io.idem.spring.method.IdempotentMethodInterceptor;
import io.idem.spring.method.Jackson2ResultCodec;
import io.idem.spring.method.Jackson3ResultCodec;
import io.idem.spring.method.MethodResultCodec;
import java.lang.reflect.Method;
import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.AnnotationMetadata;

/**
 * {@link Idempotent} on bean methods: an advisor for methods whose annotation has a {@code key}, and
 * the auto-proxy creator it needs (Spring's infrastructure one, as {@code @Transactional} uses).
 */
@AutoConfiguration(after = IdemAutoConfiguration.class, afterName = {
    "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
    "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration"})
@ConditionalOnBean(Idempotency.class)
@ConditionalOnProperty(prefix = "idem.methods", name = "enabled", havingValue = "true", matchIfMissing = true)
@Import(MethodConfiguration.ProxyCreatorRegistrar.class)
public class MethodConfiguration {

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static Advisor idempotentMethodAdvisor(org.springframework.beans.factory.ObjectProvider<IdempotentMethodInterceptor> interceptor) {
    DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(new KeyedMethods(),
        (org.aopalliance.intercept.MethodInterceptor) invocation -> interceptor.getObject().invoke(invocation));
    advisor.setOrder(0);
    return advisor;
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  IdempotentMethodInterceptor idempotentMethodInterceptor(IdempotentSettings settings, MethodResultCodec codec,
      IdemProperties properties) {
    return new IdempotentMethodInterceptor(settings, codec, properties.getMethods().getWaitForInProgress());
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
  @ConditionalOnBean(type = "tools.jackson.databind.json.JsonMapper")
  static class Jackson3Codec {
    @Bean
    @ConditionalOnMissingBean
    MethodResultCodec idempotentMethodResultCodec(tools.jackson.databind.json.JsonMapper mapper) {
      return new Jackson3ResultCodec(mapper);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "com.fasterxml.jackson.databind.ObjectMapper")
  static class Jackson2Codec {
    @Bean
    @ConditionalOnMissingBean
    MethodResultCodec idempotentMethodResultCodec(
        org.springframework.beans.factory.ObjectProvider<com.fasterxml.jackson.databind.ObjectMapper> mapper) {
      return new Jackson2ResultCodec(mapper.getIfAvailable(com.fasterxml.jackson.databind.ObjectMapper::new));
    }
  }

  /** Methods with {@code @Idempotent(key = ...)}: a handler's annotation, without a key, is the web filter's. */
  static final class KeyedMethods extends StaticMethodMatcherPointcut {
    @Override
    public boolean matches(Method method, Class<?> targetClass) {
      Method specific = org.springframework.aop.support.AopUtils.getMostSpecificMethod(method, targetClass);
      Idempotent annotation = AnnotatedElementUtils.findMergedAnnotation(specific, Idempotent.class);
      if (annotation == null || annotation.key().isEmpty()) {
        return false;
      }
      IdempotentMethodInterceptor.check(annotation, specific); // a bad key or duration stops the application here
      return true;
    }
  }

  /** Makes sure an auto-proxy creator exists and proxies classes (listeners rarely have interfaces). */
  static final class ProxyCreatorRegistrar implements ImportBeanDefinitionRegistrar {
    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
      AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
      AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
    }
  }
}
