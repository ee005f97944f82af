package io.idem.servlet;

import io.idem.http.HttpAttempt;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/** Finishes an async request's attempt when the exchange completes; releases the key on timeout or error. */
final class FinishOnAsyncEnd implements AsyncListener {

  private final HttpAttempt attempt;
  private final CapturingResponse capturing;

  FinishOnAsyncEnd(HttpAttempt attempt, CapturingResponse capturing) {
    this.attempt = attempt;
    this.capturing = capturing;
  }

  @Override
  public void onComplete(AsyncEvent event) {
    // After a timeout or error the attempt is already abandoned; this call then does nothing.
    IdempotencyFilter.finish(attempt, capturing);
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    attempt.abandon();
  }

  @Override
  public void onError(AsyncEvent event) {
    attempt.abandon();
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // A restarted async cycle drops its listeners; stay registered until the exchange really ends.
    event.getAsyncContext().addListener(this);
  }
}
