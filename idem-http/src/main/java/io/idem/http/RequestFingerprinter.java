package io.idem.http;

import io.idem.Fingerprint;
import java.nio.charset.StandardCharsets;

/**
 * What makes two requests "the same request". A retry with the key of an earlier request but another
 * fingerprint is answered 422 {@link ProblemType#KEY_REUSED}.
 */
@FunctionalInterface
public interface RequestFingerprinter {

  Fingerprint fingerprint(HttpRequestView request);

  /**
   * SHA-256 over method, path, query and body, byte for byte. The default. A client that re-encodes
   * its JSON differently on retry (another key order, say) needs a fingerprinter over selected
   * fields instead.
   */
  static RequestFingerprinter methodPathQueryBody() {
    return request -> Fingerprint.sha256(
        request.method().getBytes(StandardCharsets.UTF_8),
        request.path().getBytes(StandardCharsets.UTF_8),
        request.query().getBytes(StandardCharsets.UTF_8),
        request.body());
  }

  /** Method and path only: the body and query are not compared (and the body is never read). */
  static RequestFingerprinter methodAndPath() {
    return request -> Fingerprint.of(request.method(), request.path());
  }
}
