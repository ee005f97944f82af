package io.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.idem.testservers.PostgresServer;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The listener's sockets answer pgjdbc's 1 ms probe at once when nothing has arrived, and only that
 * probe: every other read waits for its bytes as a plain socket's does.
 */
class ListenerSocketsTest {

  @Test
  void aProbeWithNothingArrivedTimesOutAtOnceWhereAPlainReadWouldWait() throws Exception {
    AtomicInteger timeout = new AtomicInteger(1);
    try (PipedOutputStream peer = new PipedOutputStream();
        ListenerSockets.ProbeAnsweringStream input =
            new ListenerSockets.ProbeAnsweringStream(new PipedInputStream(peer), timeout::get)) {
      // A piped stream with nothing written blocks for ever: only the answered probe returns.
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        assertThatThrownBy(() -> input.read(new byte[8], 0, 8)).isInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(input::read).isInstanceOf(SocketTimeoutException.class);
      });

      peer.write(new byte[] {7, 8});
      assertThat(input.read()).as("a probe with a byte arrived reads it").isEqualTo(7);

      timeout.set(0); // the reads of a message wait for its bytes
      byte[] buffer = new byte[1];
      assertThat(input.read(buffer, 0, 1)).isEqualTo(1);
      CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return input.read();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      peer.write(9);
      assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(9);
    }
  }

  @Test
  void pgjdbcConnectsThroughTheFactoryAndHearsNotificationsOnIt() throws Exception {
    assertThat(ListenerSockets.connectionProperties())
        .containsEntry("socketFactory", ListenerSockets.Factory.class.getName());
    Properties properties = new Properties();
    properties.putAll(ListenerSockets.connectionProperties());
    try (Connection listening = DriverManager.getConnection(PostgresServer.sharedUrl(), properties);
        Connection sending = DriverManager.getConnection(PostgresServer.sharedUrl());
        Statement listen = listening.createStatement();
        Statement send = sending.createStatement()) {
      listen.execute("LISTEN idem_sockets_test");
      send.execute("SELECT pg_notify('idem_sockets_test', 'one'), pg_notify('idem_sockets_test', 'two')");
      PGConnection notifications = listening.unwrap(PGConnection.class);
      StringBuilder heard = new StringBuilder();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (heard.length() < "onetwo".length() && System.nanoTime() < deadline) {
        PGNotification[] received = notifications.getNotifications(1_000);
        for (PGNotification notification : received == null ? new PGNotification[0] : received) {
          heard.append(notification.getParameter());
        }
      }
      assertThat(heard.toString()).isEqualTo("onetwo");
    }
  }
}
