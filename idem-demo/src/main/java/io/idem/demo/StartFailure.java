package io.idem.demo;

import io.idem.storeuri.StoreUri;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Why the demo could not start, in one clean line for the operator: {@code cannot reach the store
 * redis://127.0.0.1:1: connection refused}, not the client library's
 * {@code Unable to connect to 127.0.0.1/<unresolved>:1}. Passwords in store URIs are redacted.
 */
final class StartFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private StartFailure(String message, Throwable cause) {
    super(StoreUri.redact(message), cause);
  }

  static StartFailure store(String uri, RuntimeException failure) {
    if (failure.getCause() == null) {
      return new StartFailure(failure.getMessage(), failure); // StoreUri's own words: a missing module, say
    }
    return new StartFailure("cannot reach the store " + StoreUri.redact(uri) + ": " + reason(failure), failure);
  }

  static StartFailure listen(int port, Throwable cause) {
    return new StartFailure("cannot listen on port " + port + ": " + reason(cause), cause);
  }

  /** What went wrong at the bottom of the cause chain, without class names. */
  static String reason(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof BindException) {
      return "the address is already in use";
    }
    if (root instanceof ConnectException) {
      // "Connection refused", or Netty's "Connection refused: /127.0.0.1:1": the URI already names the host.
      String message = root.getMessage();
      return message == null ? "connection refused" : message.split(":", 2)[0].toLowerCase(Locale.ROOT);
    }
    if (root instanceof UnknownHostException) {
      return "unknown host " + root.getMessage();
    }
    if (root instanceof SocketTimeoutException || root instanceof TimeoutException) {
      return "no answer in time";
    }
    String message = root.getMessage() != null ? root.getMessage() : failure.getMessage();
    return message == null ? "it failed without saying why" : message;
  }
}
