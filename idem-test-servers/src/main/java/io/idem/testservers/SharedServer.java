package io.idem.testservers;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One server (or cluster) a whole test JVM shares: the external one a variable names, or one started
 * on first use and stopped when the JVM exits.
 */
final class SharedServer<S extends AutoCloseable> {

  private final String urlVariable;
  private final Supplier<S> starter;
  private final Function<S, String> urlOf;
  private S started;

  SharedServer(String urlVariable, Supplier<S> starter, Function<S, String> urlOf) {
    this.urlVariable = urlVariable;
    this.starter = starter;
    this.urlOf = urlOf;
  }

  synchronized String url() {
    return Environment.externalUrl(urlVariable).orElseGet(() -> {
      if (started == null) {
        S server = starter.get();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            server.close();
          } catch (Exception e) {
            System.err.println("stopping a shared test server failed: " + e);
          }
        }));
        started = server;
      }
      return urlOf.apply(started);
    });
  }
}
