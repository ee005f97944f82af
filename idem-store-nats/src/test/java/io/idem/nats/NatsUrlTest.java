package io.idem.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store URL: servers, the bucket/replicas/storage parameters, and what is refused at once. */
class NatsUrlTest {

  @Test
  void serversAndParametersAreReadFromTheUrl() {
    NatsUrl url = NatsUrl.parse("nats://a:4222,nats://b:4223?bucket=payments&replicas=3&storage=memory");
    assertThat(url.servers()).containsExactly("nats://a:4222", "nats://b:4223");
    assertThat(url.parameters()).isEqualTo(Map.of("bucket", "payments", "replicas", "3", "storage", "memory"));
    assertThat(NatsUrl.parse("tls://host:4222").parameters()).isEmpty();
  }

  @Test
  void theBuilderTakesTheParametersAndValidatesThemAtOnce() {
    assertThatThrownBy(() -> NatsStore.builder("nats://h:4222?replicas=7"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicas must be between 1 and 5, was 7");
    assertThatThrownBy(() -> NatsStore.builder("nats://h:4222?replicas=three"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'three'");
    assertThatThrownBy(() -> NatsStore.builder("nats://h:4222?storage=tape"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file or memory");
    assertThatThrownBy(() -> NatsStore.builder("nats://h:4222?bucket=a.b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket name");
    assertThatThrownBy(() -> NatsStore.builder("nats://h:4222?ttl=1s"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown NATS store URL parameter 'ttl'");
  }

  @Test
  void otherSchemesAreRefusedAndPasswordsNeverShown() {
    for (String bad : List.of("redis://h:6379", "nats://", "h:4222")) {
      assertThatThrownBy(() -> NatsUrl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> NatsUrl.parse("http://user:secret@h:4222"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
    assertThat(NatsUrl.parse("nats://user:secret@h:4222").redacted()).isEqualTo("nats://***@h:4222");
  }
}
