package io.idem.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to: lets expiry tests run without sleeping. Thread-safe. */
public final class ManualClock extends Clock {

  private final AtomicLong nanos;
  private final ZoneId zone;

  public ManualClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public ManualClock(Instant start) {
    this(new AtomicLong(start.getEpochSecond() * 1_000_000_000L + start.getNano()), ZoneOffset.UTC);
  }

  private ManualClock(AtomicLong nanos, ZoneId zone) {
    this.nanos = nanos;
    this.zone = zone;
  }

  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back: " + duration);
    }
    nanos.addAndGet(duration.toNanos());
  }

  /** Nanoseconds since the epoch, for tickers (Caffeine's {@code Ticker}). */
  public long nanos() {
    return nanos.get();
  }

  @Override
  public Instant instant() {
    long n = nanos.get();
    return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
  }

  @Override
  public long millis() {
    return Math.floorDiv(nanos.get(), 1_000_000L);
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new ManualClock(nanos, zone);
  }
}
