package io.idem.http;

import io.idem.Attempt;
import io.idem.Completion;
import io.idem.IdempotencyConfig.FailurePolicy;
import io.idem.http.StoredResponse.Header;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * How a captured response ends its attempt, decided once for the blocking and the asynchronous
 * finish: stored, kept as a summary only (too large), or handed to the engine's failure policy (a 5xx
 * when the policy releases failures, or headers that cannot be stored).
 */
final class Ending {

  private enum Kind { STORE, NOT_KEPT, FAILURE }

  private final Kind kind;
  private final byte[] bytes;
  private final Throwable failure;

  private Ending(Kind kind, byte[] bytes, Throwable failure) {
    this.kind = kind;
    this.bytes = bytes;
    this.failure = failure;
  }

  static Ending of(HttpAttempt attempt, int status, List<Header> headers, byte[] body, boolean bodyComplete) {
    // Under the STORE policy a 5xx is kept and replayed like any response (Stripe's behaviour).
    if (status >= 500 && attempt.failurePolicy() == FailurePolicy.RELEASE) {
      return new Ending(Kind.FAILURE, null, new ServerErrorResponse(status));
    }
    List<Header> kept = HopByHop.strip(headers);
    if (!bodyComplete || body.length > attempt.maxStoredResponseBytes()) {
      return new Ending(Kind.NOT_KEPT, NotKeptSummary.encode(status), null);
    }
    try {
      return new Ending(Kind.STORE, StoredResponse.codec().encode(new StoredResponse(status, kept, body)), null);
    } catch (IllegalArgumentException unencodable) {
      return new Ending(Kind.FAILURE, null, unencodable);
    }
  }

  Completion blocking(Attempt attempt) {
    switch (kind) {
      case STORE:
        return attempt.complete(bytes);
      case NOT_KEPT:
        return attempt.completeWithoutResult(bytes);
      default:
        return attempt.fail(failure);
    }
  }

  CompletionStage<Completion> async(Attempt attempt) {
    switch (kind) {
      case STORE:
        return attempt.completeAsync(bytes);
      case NOT_KEPT:
        return attempt.completeWithoutResultAsync(bytes);
      default:
        return attempt.failAsync(failure);
    }
  }

  /** A 5xx answer, handed to the engine's failure policy as the work's failure. */
  static final class ServerErrorResponse extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ServerErrorResponse(int status) {
      super("the handler answered " + status, null, false, false);
    }
  }
}
