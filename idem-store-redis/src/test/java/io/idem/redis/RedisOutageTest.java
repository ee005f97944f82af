package io.idem.redis;

import io.idem.spi.IdempotencyStore;
import io.idem.testkit.StoreOutageContract;
import io.idem.testservers.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A real redis-server with every write fsynced, killed with SIGKILL and restarted mid-completion. */
class RedisOutageTest extends StoreOutageContract {

  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Override
  protected IdempotencyStore createStore() {
    return RedisStore.builder(redis.url()).commandTimeout(Duration.ofSeconds(2)).build();
  }

  @Override
  protected java.time.Duration lease() {
    return Duration.ofSeconds(10); // well above the 2 s call timeout, on a loaded machine too
  }

  @Override
  protected void crash() {
    redis.kill();
  }

  @Override
  protected void recover() {
    redis.restart();
  }
}
