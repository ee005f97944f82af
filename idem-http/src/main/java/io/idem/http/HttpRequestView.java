package io.idem.http;

import java.util.List;
import java.util.Optional;

/**
 * What the HTTP layer needs to know about a request, whatever the framework. An adapter (the servlet
 * filter, say) implements it over its own request type.
 *
 * <p>{@link #body()} is called only when the fingerprint needs it, so a request that Idem does not
 * cover is never read.
 */
public interface HttpRequestView {

  /** The method as sent, e.g. {@code POST}. */
  String method();

  /** The path as sent, without the query, e.g. {@code /payments}. */
  String path();

  /** The raw query string without {@code ?}; empty when there is none. */
  String query();

  /** Every value sent for a header, matched case-insensitively; empty when absent. */
  List<String> headers(String name);

  /** The authenticated principal's name, when there is one. */
  Optional<String> principal();

  /**
   * The whole body. An adapter reads it at most once and keeps it for the handler.
   *
   * @throws RequestBodyTooLargeException when the body is over {@link HttpIdempotencyConfig#maxRequestBodyBytes()}
   * @throws java.io.UncheckedIOException when the body cannot be read (the client went away)
   */
  byte[] body();
}
