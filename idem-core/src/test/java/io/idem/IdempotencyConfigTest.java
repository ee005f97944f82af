package io.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.spi.IdempotencyStore;
import io.idem.spi.NoOpStore;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IdempotencyConfigTest {

  @Test
  void defaultsAreStripesRetentionAndAOneMinuteLease() {
    IdempotencyConfig config = IdempotencyConfig.ofDefaults();
    assertThat(config.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(config.lease()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.inProgressWait()).isZero();
    assertThat(config.mismatchPolicy()).isEqualTo(IdempotencyConfig.MismatchPolicy.REJECT);
    assertThat(config.failurePolicy()).isEqualTo(IdempotencyConfig.FailurePolicy.RELEASE);
    assertThat(config.heartbeat()).isEqualTo(IdempotencyConfig.HeartbeatMode.AUTO);
  }

  @Test
  void settersRejectBadValuesNamingThem() {
    assertThatThrownBy(() -> IdempotencyConfig.custom().lease(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease").hasMessageContaining("PT0S");
    assertThatThrownBy(() -> IdempotencyConfig.custom().waitForInProgress(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
  }

  @Test
  void retentionShorterThanLeaseIsRejectedAtBuild() {
    assertThatThrownBy(() -> IdempotencyConfig.custom().lease(Duration.ofMinutes(5))
        .retention(Duration.ofMinutes(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
  }

  /**
   * Every field, read directly rather than through toString (which leaves some out). A field that
   * still has its default here could be dropped by toBuilder unnoticed, so the test first requires
   * each one to differ from the default: a new setting fails this test until it is set below.
   */
  @Test
  void toBuilderKeepsEveryField() throws IllegalAccessException {
    IdempotencyConfig config = IdempotencyConfig.custom()
        .retention(Duration.ofHours(1))
        .lease(Duration.ofSeconds(3))
        .attemptTimeLimit(Duration.ofMinutes(2))
        .waitForInProgress(Duration.ofSeconds(2))
        .inProgressPollInterval(Duration.ofMillis(7))
        .mismatchPolicy(IdempotencyConfig.MismatchPolicy.IGNORE)
        .failurePolicy(IdempotencyConfig.FailurePolicy.STORE)
        .heartbeat(IdempotencyConfig.HeartbeatMode.OFF)
        .clock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
        .listener(new IdempotencyListener() {})
        .build();
    IdempotencyConfig defaults = IdempotencyConfig.ofDefaults();
    IdempotencyConfig copy = config.toBuilder().build();

    List<Field> fields = Arrays.stream(IdempotencyConfig.class.getDeclaredFields())
        .filter(field -> !Modifier.isStatic(field.getModifiers())).collect(Collectors.toList());
    assertThat(fields).isNotEmpty();
    for (Field field : fields) {
      field.setAccessible(true);
      assertThat(field.get(config)).as("%s set to something other than its default", field.getName())
          .isNotEqualTo(field.get(defaults));
      assertThat(field.get(copy)).as("%s kept by toBuilder", field.getName()).isEqualTo(field.get(config));
    }
  }

  @Test
  void requiredHeartbeatOverAStoreThatCannotExtendIsRejectedAtCreation() {
    IdempotencyStore plain = new io.idem.spi.BlockingStore() {
      @Override
      public io.idem.spi.Reservation reserve(IdempotencyKey k, Fingerprint f, LeaseToken t, Duration l) {
        return NoOpStore.INSTANCE.reserve(k, f, t, l);
      }

      @Override
      public boolean complete(IdempotencyKey k, LeaseToken t, byte[] r, Duration d) {
        return true;
      }

      @Override
      public boolean release(IdempotencyKey k, LeaseToken t) {
        return true;
      }

      @Override
      public java.util.Optional<io.idem.spi.StoredRecord> find(IdempotencyKey k) {
        return java.util.Optional.empty();
      }

      @Override
      public boolean delete(IdempotencyKey k) {
        return false;
      }

      @Override
      public long purge(String n) {
        return 0;
      }
    };
    IdempotencyConfig required = IdempotencyConfig.custom().heartbeat(IdempotencyConfig.HeartbeatMode.REQUIRED).build();
    assertThatThrownBy(() -> Idempotency.create(plain, required))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot extend leases");
  }

  @Test
  void noOpStoreRunsEveryRequest() {
    try (Idempotency engine = Idempotency.create(NoOpStore.INSTANCE)) {
      IdempotencyKey key = IdempotencyKey.of("ns", "k");
      int[] runs = {0};
      for (int i = 0; i < 3; i++) {
        assertThat(engine.execute(key, Fingerprint.EMPTY, () -> new byte[] {(byte) ++runs[0]}).executed()).isTrue();
      }
      assertThat(runs[0]).isEqualTo(3);
    }
  }
}
