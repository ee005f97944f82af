package io.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.IdempotencyConfig;
import io.idem.http.HttpIdempotencyConfig;
import io.idem.jdbc.JdbcStoreBuilder;
import io.idem.memory.MemoryStore;
import io.idem.nats.NatsStore;
import io.idem.redis.RedisStore;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/configuration cannot drift: every public setter of every builder a user configures is named
 * (as {@code `name`}) on its module's page. (The demo's tests are the one place every module is on
 * the classpath.)
 */
class ConfigurationReferenceTest {

  static Stream<Arguments> builders() {
    return Stream.of(
        Arguments.of(IdempotencyConfig.Builder.class, "engine.md"),
        Arguments.of(HttpIdempotencyConfig.Builder.class, "http.md"),
        Arguments.of(MemoryStore.Builder.class, "memory.md"),
        Arguments.of(RedisStore.Builder.class, "redis.md"),
        Arguments.of(JdbcStoreBuilder.class, "jdbc.md"),
        Arguments.of(NatsStore.Builder.class, "nats.md"));
  }

  @ParameterizedTest
  @MethodSource("builders")
  void everyBuilderSettingIsOnItsReferencePage(Class<?> builder, String page) throws IOException {
    String text = Files.readString(docs().resolve(page));
    List<String> settings = Arrays.stream(builder.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
        .filter(m -> m.getReturnType() == builder)
        .map(Method::getName)
        .distinct()
        .toList();
    assertThat(settings).as("settings of %s", builder.getSimpleName()).isNotEmpty();
    assertThat(settings).allSatisfy(setting -> assertThat(text)
        .as("docs/configuration/%s names %s.%s", page, builder.getSimpleName(), setting)
        .contains("`" + setting + "`"));
  }

  private static Path docs() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docs/configuration"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("docs/configuration above " + Path.of("").toAbsolutePath()).isNotNull();
    return dir.resolve("docs/configuration");
  }
}
