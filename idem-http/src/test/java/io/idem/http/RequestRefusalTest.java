package io.idem.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.Idempotency;
import io.idem.memory.MemoryStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@link HttpIdempotency#begin} answers for a path or a body it cannot use. */
class RequestRefusalTest {

  private final Idempotency engine = Idempotency.create(MemoryStore.create());
  private final HttpIdempotency http = HttpIdempotency.create(engine,
      HttpIdempotencyConfig.custom().requireKeyOnPaths("/payments").build());

  @AfterEach
  void close() {
    engine.close();
  }

  /** A view over a raw path, normalised the way a gateway adapter would; the body fails as given. */
  private record RawView(String method, String rawPath, List<String> key, IOException bodyFailure)
      implements HttpRequestView {
    @Override
    public String path() {
      return PathNormalizer.normalize(rawPath);
    }

    @Override
    public String query() {
      return "";
    }

    @Override
    public List<String> headers(String name) {
      return name.equalsIgnoreCase("Idempotency-Key") ? key : List.of();
    }

    @Override
    public Optional<String> principal() {
      return Optional.empty();
    }

    @Override
    public byte[] body() {
      if (bodyFailure != null) {
        throw new UncheckedIOException(bodyFailure);
      }
      return new byte[0];
    }
  }

  private static String body(HttpDecision decision) {
    assertThat(decision).isInstanceOf(HttpDecision.Respond.class);
    return new String(((HttpDecision.Respond) decision).response().body(), StandardCharsets.UTF_8);
  }

  @Test
  void unsafePathOnACoveredMethodIs400PathInvalid() {
    HttpDecision decision = http.begin(new RawView("POST", "/payments%2Fx", List.of(), null));

    assertThat(((HttpDecision.Respond) decision).response().status()).isEqualTo(400);
    assertThat(body(decision)).contains("https://idem.io/problems/path-invalid").contains("encoded '/'");
  }

  @Test
  void unsafePathOnAnUncoveredMethodIsLeftToTheApplication() {
    assertThat(http.begin(new RawView("GET", "/../payments", List.of(), null)))
        .isInstanceOf(HttpDecision.PassThrough.class);
  }

  @Test
  void otherSpellingOfARequiredPathNeedsAKey() {
    assertThat(body(http.begin(new RawView("POST", "/a/..;/%70ayments", List.of(), null))))
        .contains("idempotency-key-missing").contains("POST /payments requires");
  }

  @Test
  void unreadableBodyIs400WithoutServerInternals() {
    IOException timeout = new IOException("java.util.concurrent.TimeoutException: Idle timeout expired: 30000/30000 ms");

    String problem = body(http.begin(new RawView("POST", "/payments", List.of("k1"), timeout)));

    assertThat(problem).contains("https://idem.io/problems/request-unreadable").contains("\"status\":400")
        .doesNotContain("Exception").doesNotContain("java.").doesNotContain("30000");
  }
}
