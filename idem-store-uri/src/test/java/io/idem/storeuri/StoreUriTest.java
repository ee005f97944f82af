package io.idem.storeuri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.memory.MemoryStore;
import io.idem.spi.IdempotencyStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreUriTest {

  @Test
  void memoryOpensAWorkingInMemoryStore() throws Exception {
    try (IdempotencyStore store = StoreUri.open(" memory: ")) {
      assertThat(store).isInstanceOf(MemoryStore.class);
      assertThat(store.find(IdempotencyKey.of("t", "k"))).isEmpty();
      store.reserve(IdempotencyKey.of("t", "k"), Fingerprint.of("x"), io.idem.LeaseToken.random(), Duration.ofSeconds(5));
      assertThat(store.find(IdempotencyKey.of("t", "k"))).isPresent();
    }
  }

  @Test
  void anUnknownSchemeIsRefusedNamingTheAcceptedForms() {
    assertThatThrownBy(() -> StoreUri.check("mongodb://localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mongodb://localhost")
        .hasMessageContaining("redis://host:port")
        .hasMessageContaining("nats://host:port");
    assertThatThrownBy(() -> StoreUri.open("jdbc:oracle:thin:@x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyDocumentedSchemeIsAccepted() {
    for (String uri : new String[] {"memory:", "MEMORY:", "redis://h:1", "rediss://h:1", "jdbc:postgresql://h/db",
        "jdbc:mariadb://h/db", "jdbc:mysql://h/db", "nats://h:4222"}) {
      assertThat(StoreUri.check(uri)).isEqualTo(uri);
    }
  }

  @Test
  void anUnreachableRedisStopsTheStartWithTheStoreNamedAndItsPasswordHidden() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String uri = "redis://:s3cret@127.0.0.1:" + closedPort;

    assertThatThrownBy(() -> StoreUri.open(uri))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("127.0.0.1:" + closedPort)
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void passwordsAreRedactedInUserInfoAndQueryParameters() {
    assertThat(StoreUri.redact("redis://user:pw@host:6379")).isEqualTo("redis://user:***@host:6379");
    assertThat(StoreUri.redact("jdbc:postgresql://h/db?user=u&password=pw&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
  }

  @Test
  void mysqlUrlsGoToTheMariaDbDriverItsConnectorSpeaksToo() {
    assertThat(JdbcBackend.driverUrl("jdbc:mysql://h:3306/db")).isEqualTo("jdbc:mariadb://h:3306/db");
    assertThat(JdbcBackend.driverUrl("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
  }
}
