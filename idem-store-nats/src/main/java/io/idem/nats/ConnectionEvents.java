package io.idem.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a connection the store opened tells about itself, in the store's log: losing and regaining the
 * server once each, instead of jnats' default of a SEVERE line for every failed reconnect attempt
 * (the calls in between already fail with StoreUnavailableException).
 */
final class ConnectionEvents implements ConnectionListener, ErrorListener {

  private static final System.Logger LOG = System.getLogger(NatsStore.class.getName());

  /** jnats reports DISCONNECTED after every failed reconnect attempt: one warning per outage is enough. */
  private final AtomicBoolean lost = new AtomicBoolean();

  @Override
  public void connectionEvent(Connection connection, Events type) {
    switch (type) {
      case DISCONNECTED -> {
        if (lost.compareAndSet(false, true)) {
          LOG.log(System.Logger.Level.WARNING, "Idem: lost the NATS server; reconnecting (calls fail with"
              + " StoreUnavailableException until then)");
        }
      }
      case RECONNECTED -> {
        lost.set(false);
        LOG.log(System.Logger.Level.INFO, () -> "Idem: reconnected to NATS at " + connection.getConnectedUrl());
      }
      default -> LOG.log(System.Logger.Level.DEBUG, () -> "Idem: NATS connection event " + type);
    }
  }

  @Override
  public void errorOccurred(Connection connection, String error) {
    LOG.log(System.Logger.Level.WARNING, "Idem: NATS server error: " + error);
  }

  @Override
  public void exceptionOccurred(Connection connection, Exception exception) {
    LOG.log(System.Logger.Level.DEBUG, "Idem: NATS connection exception", exception);
  }
}
