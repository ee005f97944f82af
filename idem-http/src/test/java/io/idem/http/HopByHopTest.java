package io.idem.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.http.StoredResponse.Header;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopByHopTest {

  @Test
  void dropsConnectionHeadersInAnyCaseAndKeepsTheRestInOrder() {
    List<Header> headers = List.of(new Header("Content-Type", "application/json"), new Header("CONNECTION", "close"),
        new Header("Keep-Alive", "timeout=5"), new Header("te", "trailers"), new Header("Transfer-Encoding", "chunked"),
        new Header("proxy-Authorization", "Basic x"), new Header("Content-Length", "12"), new Header("DATE", "now"),
        new Header("idempotent-replayed", "true"), new Header("X-Request-Id", "r1"), new Header("Trailer", "x"),
        new Header("Upgrade", "h2c"), new Header("Proxy-Connection", "keep-alive"),
        new Header("Proxy-Authenticate", "Basic"), new Header("Location", "/payments/1"));

    assertThat(HopByHop.strip(headers)).containsExactly(new Header("Content-Type", "application/json"),
        new Header("X-Request-Id", "r1"), new Header("Location", "/payments/1"));
  }

  @Test
  void dropsWhatConnectionNamesWhateverItsCase() {
    List<Header> headers = List.of(new Header("Connection", "X-Trace, keep-alive"), new Header("x-trace", "abc"),
        new Header("X-Other", "kept"));

    assertThat(HopByHop.strip(headers)).containsExactly(new Header("X-Other", "kept"));
    assertThat(HopByHop.isHopByHop("X-TRACE", HopByHop.namedBy("x-trace"))).isTrue();
  }

  @Test
  void namesOfAnyLengthAreJudgedWithoutFailing() {
    assertThat(HopByHop.isHopByHop("", List.of())).isFalse();
    assertThat(HopByHop.isHopByHop("x".repeat(300), List.of())).isFalse();
    assertThat(HopByHop.isHopByHop("tE", List.of())).isTrue();
    // Same length as a hop-by-hop name, different name.
    assertThat(HopByHop.isHopByHop("Data", List.of())).isFalse();
  }
}
