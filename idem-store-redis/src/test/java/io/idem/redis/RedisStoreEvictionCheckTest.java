package io.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.IdempotencyKey;
import io.idem.testservers.RedisServer;
import org.junit.jupiter.api.Test;

/** The start-up check of the server's eviction settings, against servers configured each way. */
class RedisStoreEvictionCheckTest {

  @Test
  void allKeysPolicyWithMaxmemoryWarnsThatARequestCouldRunTwiceAndHowToFixIt() {
    try (RedisServer server = RedisServer.start("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru");
        RedisStore store = RedisStore.create(server.url())) {
      assertThat(store.evictionWarnings()).singleElement().asString()
          .contains("allkeys-lru", "runs the request a second time", "set maxmemory-policy to noeviction");
    }
  }

  @Test
  void volatilePolicyWarnsTooBecauseEveryIdemKeyHasATtl() {
    try (RedisServer server = RedisServer.start("--maxmemory", "64mb", "--maxmemory-policy", "volatile-ttl");
        RedisStore store = RedisStore.create(server.url())) {
      assertThat(store.evictionWarnings()).singleElement().asString().contains("volatile-ttl");
    }
  }

  @Test
  void noevictionIsSilent() {
    try (RedisServer server = RedisServer.start("--maxmemory", "64mb", "--maxmemory-policy", "noeviction");
        RedisStore store = RedisStore.create(server.url())) {
      assertThat(store.evictionWarnings()).isEmpty();
    }
  }

  @Test
  void evictingPolicyWithoutMaxmemoryIsSilentBecauseRedisNeverEvicts() {
    assertThat(EvictionCheck.warningFor("server", "allkeys-lru", 0)).isEmpty();
    assertThat(EvictionCheck.warningFor("server", "allkeys-lru", EvictionCheck.parseMaxmemory("unreadable"))).isPresent();
  }

  @Test
  void disabledConfigCommandDoesNotStopTheStore() {
    try (RedisServer server = RedisServer.start("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru",
            "--rename-command", "CONFIG", "\"\"");
        RedisStore store = RedisStore.create(server.url())) {
      assertThat(store.evictionWarnings()).isEmpty();
      assertThat(store.find(IdempotencyKey.of("eviction", "k"))).isEmpty();
    }
  }
}
