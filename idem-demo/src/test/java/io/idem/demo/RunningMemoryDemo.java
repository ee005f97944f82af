package io.idem.demo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** One demo on the in-memory store for all the tests of a class, started as the command line would. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RunningMemoryDemo {

  protected DemoServer server;
  protected DemoClient client;

  @BeforeAll
  void startDemo() throws Exception {
    server = DemoServer.start(DemoOptions.defaults().withPort(0));
    client = new DemoClient(server.port());
  }

  @AfterAll
  void stopDemo() throws Exception {
    server.close();
  }
}
