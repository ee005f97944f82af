package io.idem.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The helpers' own promises: restart on the same port, failures that carry the log, the CI rule. */
class TestServersTest {

  @Test
  void redisServerComesBackOnTheSamePortWithoutItsDataAndCloseDeletesItsDirectory() {
    RedisServer server = RedisServer.start();
    Path dir = server.dir();
    try {
      assertThat(server.command("SET", "k", "v")).isEqualTo("OK");
      server.stop();
      assertThat(Resp.answersPing(server.port())).isFalse();

      server.restart();
      assertThat(server.command("PING")).isEqualTo("PONG");
      assertThat(server.command("GET", "k")).as("no persistence").isNull();
    } finally {
      server.close();
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void serverThatExitsAtOnceFailsWithItsOwnLog() {
    assertThatThrownBy(() -> RedisServer.start("--no-such-directive", "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redis-server exited")
        .hasMessageContaining("no-such-directive");
  }

  @Test
  void replicaIsReturnedOnlyOnceTheMasterSeesItOnline() {
    try (RedisServer master = RedisServer.start(); RedisServer replica = master.startReplica()) {
      assertThat(master.command("INFO", "replication")).contains("connected_slaves:1");
      assertThat(replica.command("INFO", "replication")).contains("role:slave");
    }
  }

  @Test
  void natsServerRunsWithJetStream() throws IOException {
    try (NatsServer server = NatsServer.start();
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(5_000);
      String info = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertThat(info).startsWith("INFO ").contains("\"jetstream\":true").contains("\"max_payload\":2097152");
      assertThat(server.url()).isEqualTo("nats://127.0.0.1:" + server.port());
      assertThat(server.inMsgs()).as("the monitoring endpoint answers").isZero();
    }
  }

  @Test
  void natsClusterFormsOneJetStreamMetaGroupOfThreeNodes() {
    try (NatsCluster cluster = NatsCluster.start()) {
      assertThat(cluster.nodes()).hasSize(3);
      assertThat(cluster.url().split(",")).hasSize(3);
      for (NatsServer node : cluster.nodes()) {
        assertThat(node.monitor("/jsz")).contains("\"cluster_size\": 3");
      }
    }
  }

  @Test
  void missingBinarySkipsLocallyWithTheInstallHint() {
    Path missing = Path.of("/nonexistent/idem-server");
    assertThatThrownBy(() -> Environment.requireInstalled("some-package", "IDEM_TEST_SOME_URL", false, missing))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("/nonexistent/idem-server")
        .hasMessageContaining(".ci/install-test-servers")
        .hasMessageContaining("some-package")
        .hasMessageContaining("IDEM_TEST_SOME_URL");
  }

  @Test
  void missingBinaryFailsInCi() {
    Path missing = Path.of("/nonexistent/idem-server");
    assertThatThrownBy(() -> Environment.requireInstalled("some-package", "IDEM_TEST_SOME_URL", true, missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CI=true");
  }

  @Test
  void installedBinaryPasses() {
    Path shell = Path.of("/bin/sh");
    assertThat(Files.isExecutable(shell)).isTrue();
    Environment.requireInstalled("dash", "IDEM_TEST_SOME_URL", true, shell);
  }
}
