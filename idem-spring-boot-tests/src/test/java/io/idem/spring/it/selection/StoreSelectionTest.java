package io.idem.spring.it.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyConfig;
import io.idem.IdempotencyKey;
import io.idem.ResultCodec;
import io.idem.jdbc.JdbcStore;
import io.idem.memory.MemoryStore;
import io.idem.nats.NatsStore;
import io.idem.redis.RedisStore;
import io.idem.spi.IdempotencyStore;
import io.idem.testservers.NatsServer;
import io.idem.testservers.PostgresServer;
import io.idem.testservers.RedisServer;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Which store the engine gets, in small non-web applications against real servers: what
 * {@code idem.store} names; else the Redis server of Spring Data Redis; else the application's
 * DataSource (table created when allowed); else memory; and a store or engine of the application's
 * own always wins.
 */
class StoreSelectionTest {

  private static RedisServer redis;
  private static PostgresServer postgres;

  @BeforeAll
  static void startServers() {
    redis = RedisServer.start();
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopServers() {
    redis.close();
    postgres.close();
  }

  @Test
  void springDataRedisSettingsGiveTheRedisStoreOnThatServer() {
    String key = "sel-" + UUID.randomUUID();
    URI uri = URI.create(redis.url());
    try (ConfigurableApplicationContext app = SelectionApp.run("spring.data.redis.host=" + uri.getHost(),
        "spring.data.redis.port=" + uri.getPort(), "spring.data.redis.database=3")) {
      assertThat(app.getBean(IdempotencyStore.class)).isInstanceOf(RedisStore.class);
      runOnce(app.getBean(Idempotency.class), key);
    }
    try (RedisStore database3 = RedisStore.create(redis.url() + "/3"); RedisStore database0 = RedisStore.create(redis.url())) {
      assertThat(database3.find(IdempotencyKey.of("selection", key))).isPresent();
      assertThat(database0.find(IdempotencyKey.of("selection", key))).isEmpty();
    }
  }

  @Test
  void aDataSourceGivesTheJdbcStoreWithItsTableWhenAllowed() throws Exception {
    String table = "idem_sel_" + UUID.randomUUID().toString().substring(0, 8);
    try (ConfigurableApplicationContext app = SelectionApp.run(new Class<?>[] {PostgresDataSource.class},
        SelectionApp.NO_REDIS, "idem.jdbc.initialize-schema=always", "idem.jdbc.table-name=" + table)) {
      assertThat(app.getBean(IdempotencyStore.class)).isInstanceOf(JdbcStore.class);
      runOnce(app.getBean(Idempotency.class), "k1");
    }
    try (Connection connection = DriverManager.getConnection(postgres.url());
        ResultSet rows = connection.createStatement().executeQuery("select count(*) from " + table)) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void aMissingTableStopsTheApplicationNamingTheSetting() {
    assertThatThrownBy(() -> SelectionApp.run(new Class<?>[] {PostgresDataSource.class},
        SelectionApp.NO_REDIS, "idem.jdbc.table-name=idem_never_created"))
        .hasStackTraceContaining("idem.jdbc.initialize-schema=always");
  }

  @Test
  void idemStoreWinsOverWhatTheApplicationHas() {
    try (ConfigurableApplicationContext app = SelectionApp.run(new Class<?>[] {PostgresDataSource.class},
        "idem.store=memory:")) {
      assertThat(app.getBean(IdempotencyStore.class)).isInstanceOf(MemoryStore.class);
    }
  }

  @Test
  void aNatsUriGivesTheNatsStore() {
    try (ConfigurableApplicationContext app = SelectionApp.run(SelectionApp.NO_REDIS,
        "idem.store=" + NatsServer.sharedUrl())) {
      assertThat(app.getBean(IdempotencyStore.class)).isInstanceOf(NatsStore.class);
      runOnce(app.getBean(Idempotency.class), "nats-" + UUID.randomUUID());
    }
  }

  @Test
  void withNothingToUseTheStoreIsInMemory() {
    try (ConfigurableApplicationContext app = SelectionApp.run(SelectionApp.NO_REDIS)) {
      assertThat(app.getBean(IdempotencyStore.class)).isInstanceOf(MemoryStore.class);
    }
  }

  @Test
  void theApplicationsOwnStoreWins() {
    try (ConfigurableApplicationContext app = SelectionApp.run(new Class<?>[] {OwnStore.class},
        "idem.store=redis://127.0.0.1:1")) {
      assertThat(app.getBean(IdempotencyStore.class)).isSameAs(app.getBean(OwnStore.class).store);
      assertThat(app.getBean(Idempotency.class).store()).isSameAs(app.getBean(OwnStore.class).store);
    }
  }

  @Test
  void theApplicationsOwnEngineWins() {
    try (ConfigurableApplicationContext app = SelectionApp.run(new Class<?>[] {OwnEngine.class},
        "idem.store=memory:")) {
      assertThat(app.getBeansOfType(Idempotency.class)).hasSize(1);
      assertThat(app.getBean(Idempotency.class)).isSameAs(app.getBean(OwnEngine.class).engine);
    }
  }

  private static void runOnce(Idempotency engine, String key) {
    engine.execute(IdempotencyKey.of("selection", key), Fingerprint.EMPTY, () -> "done", ResultCodec.utf8());
  }

  @Configuration(proxyBeanMethods = false)
  static class PostgresDataSource {
    @Bean
    DataSource dataSource() {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setUrl(postgres.url());
      return dataSource;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnStore {
    final MemoryStore store = MemoryStore.create();

    @Bean
    IdempotencyStore myStore() {
      return store;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnEngine {
    final Idempotency engine = Idempotency.create(MemoryStore.create(), IdempotencyConfig.ofDefaults());

    @Bean
    Idempotency myEngine() {
      return engine;
    }
  }
}
