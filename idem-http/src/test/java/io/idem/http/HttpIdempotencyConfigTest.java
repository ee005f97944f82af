package io.idem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpIdempotencyConfigTest {

  @Test
  void bodyLimitsAdaptersReadOnePastCannotOverflow() {
    // Regression: maxRequestBodyBytes(Integer.MAX_VALUE) made the servlet read maxBodyBytes + 1 = a negative count.
    assertThatThrownBy(() -> HttpIdempotencyConfig.custom().maxRequestBodyBytes(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRequestBodyBytes");
    assertThatThrownBy(() -> HttpIdempotencyConfig.custom().maxStoredResponseBytes(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxStoredResponseBytes");
    assertThat(HttpIdempotencyConfig.custom().maxRequestBodyBytes(HttpIdempotencyConfig.MAX_BUFFERED_BYTES).build()
        .maxRequestBodyBytes() + 1).isPositive();
  }

  @Test
  void preferredWaitIsCappedAndZeroByDefault() {
    assertThat(HttpIdempotencyConfig.ofDefaults().maxPreferredWait()).isZero();
    assertThatThrownBy(() -> HttpIdempotencyConfig.custom().maxPreferredWait(Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPreferredWait");
  }
}
