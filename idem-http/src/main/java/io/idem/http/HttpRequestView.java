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

  /**
   * The normalised path, without the query: the one value everything in Idem that looks at a path
   * uses (the key requirement, the fingerprint), and the path the application routes on. Two
   * spellings of one path ({@code /payments}, {@code /%70ayments}, {@code /payments;v=1},
   * {@code /a/../payments}) must give the same value, or a client could skip a required key or turn
   * a retry into a second request by spelling the path differently.
   *
   * <ul>
   *   <li>An adapter whose framework hands it the raw path returns
   *       {@link PathNormalizer#normalize(String)} of it, computed once; an adapter that forwards the
   *       request (a gateway) forwards this normalised path, so the application routes on what Idem
   *       decided on.</li>
   *   <li>An adapter whose framework has already decoded and normalised the path for routing returns
   *       that path, as the framework routed it (the servlet filter: context path + servlet path + path
   *       info).</li>
   * </ul>
   *
   * @throws UnsafePathException when the path has no safe normal form; {@link HttpIdempotency#begin}
   *     answers 400 {@link ProblemType#PATH_INVALID} for a covered method
   */
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
