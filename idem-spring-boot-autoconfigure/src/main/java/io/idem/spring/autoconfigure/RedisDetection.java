package io.idem.spring.autoconfigure;

import io.idem.redis.RedisStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis store on the server Spring Data Redis connects to (its Lettuce connection settings:
 * host, port, database, credentials, TLS; standalone or Cluster), on a client of Idem's own: Idem
 * writes bytes with its own scripts and timeouts, so it does not share the application's template.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({RedisStore.class, LettuceConnectionFactory.class})
class RedisDetection {

  @Bean
  @Order(1)
  DetectedStore redisDetectedStore(ObjectProvider<RedisConnectionFactory> factories) {
    return () -> Optional.ofNullable(factories.getIfUnique())
        .filter(LettuceConnectionFactory.class::isInstance)
        .map(factory -> openOrExplain((LettuceConnectionFactory) factory));
  }

  private static DetectedStore.Found openOrExplain(LettuceConnectionFactory factory) {
    try {
      return open(factory);
    } catch (RuntimeException e) {
      throw new IllegalStateException("Idem cannot open a store on the Redis server of spring.data.redis ("
          + factory.getHostName() + ":" + factory.getPort() + "): " + e.getMessage()
          + "; set idem.store to choose the store", e);
    }
  }

  private static DetectedStore.Found open(LettuceConnectionFactory factory) {
    boolean ssl = factory.getClientConfiguration().isUseSsl();
    if (factory.getClusterConfiguration() != null) {
      RedisNode seed = factory.getClusterConfiguration().getClusterNodes().iterator().next();
      String uri = uri(ssl, factory.getClusterConfiguration().getUsername(),
          factory.getClusterConfiguration().getPassword().toOptional(), seed.getHost(), seed.getPort(), 0);
      return new DetectedStore.Found(RedisStore.createCluster(uri), "the Redis Cluster of spring.data.redis", "");
    }
    if (factory.getSentinelConfiguration() != null) {
      throw new IllegalStateException("Idem does not follow Spring Data Redis's Sentinel settings: set idem.store "
          + "to a redis-sentinel:// URI");
    }
    RedisStandaloneConfiguration standalone = factory.getStandaloneConfiguration();
    String uri = uri(ssl, standalone.getUsername(), standalone.getPassword().toOptional(), standalone.getHostName(),
        standalone.getPort(), standalone.getDatabase());
    return new DetectedStore.Found(RedisStore.create(uri),
        "the Redis server of spring.data.redis (" + standalone.getHostName() + ":" + standalone.getPort() + ")", "");
  }

  private static String uri(boolean ssl, String username, Optional<char[]> password, String host, int port,
      int database) {
    StringBuilder uri = new StringBuilder(ssl ? "rediss://" : "redis://");
    if (password.isPresent()) {
      uri.append(username == null ? "" : encode(username)).append(':')
          .append(encode(new String(password.get()))).append('@');
    }
    uri.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port);
    return database == 0 ? uri.toString() : uri.append('/').append(database).toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
