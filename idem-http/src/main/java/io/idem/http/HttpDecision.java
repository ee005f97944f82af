package io.idem.http;

import java.util.Objects;

/** What {@link HttpIdempotency#begin} decided for one request. */
public sealed interface HttpDecision permits HttpDecision.PassThrough, HttpDecision.Execute, HttpDecision.Respond {

  /** Idem does not cover this request (method, no key on an optional route, or fail-open): run the handler as usual. */
  record PassThrough() implements HttpDecision {}

  /** This request holds the key: run the handler, capture its response, then finish the attempt. */
  record Execute(HttpAttempt attempt) implements HttpDecision {
    public Execute {
      Objects.requireNonNull(attempt, "attempt");
    }
  }

  /** Send this response instead of running the handler: a replay or a problem. */
  record Respond(StoredResponse response) implements HttpDecision {
    public Respond {
      Objects.requireNonNull(response, "response");
    }
  }
}
