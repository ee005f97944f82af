package io.idem.spring.it.selection;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/** A non-web application with every auto-configuration on the class path, plus the given beans of its own. */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class SelectionApp {

  /** Without Spring Data Redis's connection (Boot 4's and Boot 3's names): nothing for Idem to detect there. */
  static final String NO_REDIS = "spring.autoconfigure.exclude="
      + "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration,"
      + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration";

  static ConfigurableApplicationContext run(Class<?>[] ownBeans, String... properties) {
    Class<?>[] sources = new Class<?>[ownBeans.length + 1];
    sources[0] = SelectionApp.class;
    System.arraycopy(ownBeans, 0, sources, 1, ownBeans.length);
    return new SpringApplicationBuilder(sources).web(WebApplicationType.NONE).logStartupInfo(false)
        .properties(properties).run();
  }

  static ConfigurableApplicationContext run(String... properties) {
    return run(new Class<?>[0], properties);
  }
}
