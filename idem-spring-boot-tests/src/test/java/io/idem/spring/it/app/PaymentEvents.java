package io.idem.spring.it.app;

import io.idem.spring.Idempotent;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** A message listener: each event is handled once, whatever the broker redelivers. */
@Component
public class PaymentEvents {

  public record PaymentEvent(String id, long amount) {}

  public record Receipt(String eventId, long amount, int handling) {}

  private final AtomicInteger handled = new AtomicInteger();
  private volatile CountDownLatch hold = new CountDownLatch(0);
  private volatile CountDownLatch started = new CountDownLatch(0);

  @Idempotent(key = "#event.id")
  public Receipt onPayment(PaymentEvent event) throws InterruptedException {
    int handling = handled.incrementAndGet();
    started.countDown();
    hold.await();
    return new Receipt(event.id(), event.amount(), handling);
  }

  @Idempotent(key = "#p0")
  public void onRefund(String refundId) {
    handled.incrementAndGet();
  }

  public int handled() {
    return handled.get();
  }

  /** The next call blocks, once started, until {@link #release()}. */
  public CountDownLatch holdNext() {
    hold = new CountDownLatch(1);
    started = new CountDownLatch(1);
    return started;
  }

  public void release() {
    hold.countDown();
  }
}
