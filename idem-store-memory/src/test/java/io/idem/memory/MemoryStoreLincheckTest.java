package io.idem.memory;

import io.idem.Fingerprint;
import io.idem.IdempotencyKey;
import io.idem.LeaseToken;
import io.idem.spi.Reservation;
import io.idem.spi.StoredRecord;
import io.idem.testkit.ManualClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck runs concurrent scenarios of reserve / complete / release / find on the real store and
 * checks each outcome against some sequential order. Keys, tokens and results come from small domains
 * so that operations collide. The clock never moves: expiry is covered by the contract suite.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Param(name = "token", gen = IntGen.class, conf = "1:3")
public class MemoryStoreLincheckTest {

  private static final LeaseToken[] TOKENS = {null, token(1), token(2), token(3)};
  private static final Duration LONG = Duration.ofHours(1);

  private final MemoryStore store = MemoryStore.builder().clock(new ManualClock()).build();

  private static LeaseToken token(int n) {
    byte[] bytes = new byte[LeaseToken.LENGTH];
    bytes[0] = (byte) n;
    return LeaseToken.fromBytes(bytes);
  }

  private static IdempotencyKey key(int k) {
    return IdempotencyKey.of("lincheck", "k" + k);
  }

  @Operation
  public String reserve(@Param(name = "key") int key, @Param(name = "token") int token) {
    Reservation r = store.reserve(key(key), Fingerprint.of("fp" + token), TOKENS[token], LONG);
    return r instanceof Reservation.Acquired ? "acquired" : "found " + describe(((Reservation.Found) r).record());
  }

  @Operation
  public boolean complete(@Param(name = "key") int key, @Param(name = "token") int token) {
    return store.complete(key(key), TOKENS[token], new byte[] {(byte) token}, LONG);
  }

  @Operation
  public boolean release(@Param(name = "key") int key, @Param(name = "token") int token) {
    return store.release(key(key), TOKENS[token]);
  }

  @Operation
  public String find(@Param(name = "key") int key) {
    Optional<StoredRecord> record = store.find(key(key));
    return record.map(MemoryStoreLincheckTest::describe).orElse("absent");
  }

  private static String describe(StoredRecord record) {
    String fingerprint = "fp?";
    for (int t = 1; t < TOKENS.length; t++) {
      if (record.fingerprint().equals(Fingerprint.of("fp" + t))) {
        fingerprint = "fp" + t;
      }
    }
    return record instanceof StoredRecord.Completed completed
        ? "completed " + fingerprint + " " + Arrays.toString(completed.result())
        : "in-progress " + fingerprint;
  }

  @Test
  void reserveCompleteReleaseFindAreLinearizable() {
    new StressOptions()
        .iterations(30)
        .invocationsPerIteration(2_000)
        .threads(3)
        .actorsPerThread(3)
        .check(MemoryStoreLincheckTest.class);
  }
}
