package io.idem.nats;

import io.idem.spi.IdempotencyStore;
import io.idem.testkit.StoreOutageContract;
import io.idem.testservers.NatsServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A real nats-server on file storage, killed with SIGKILL and restarted mid-completion: what it wrote
 * is in the operating system's files, so a process crash keeps it.
 */
class NatsOutageTest extends StoreOutageContract {

  private static NatsServer nats;

  @BeforeAll
  static void startNats() {
    nats = NatsServer.start();
  }

  @AfterAll
  static void stopNats() {
    nats.close();
  }

  @Override
  protected IdempotencyStore createStore() {
    return NatsStore.builder(nats.url()).timeout(Duration.ofSeconds(2)).build();
  }

  @Override
  protected Duration lease() {
    return Duration.ofSeconds(10); // well above the 2 s call timeout, on a loaded machine too
  }

  @Override
  protected void crash() {
    nats.kill();
  }

  @Override
  protected void recover() {
    nats.restart();
  }
}
