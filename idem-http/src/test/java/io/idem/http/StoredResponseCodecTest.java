package io.idem.http;

import io.idem.CorruptRecordException;
import io.idem.ResultCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StoredResponseCodecTest {

  private final ResultCodec<StoredResponse> codec = StoredResponse.codec();

  @Test
  void roundTripsStatusHeadersInOrderAndBinaryBody() {
    byte[] body = new byte[70_000];
    new Random(7).nextBytes(body);
    StoredResponse response = new StoredResponse(201, List.of(
        new StoredResponse.Header("Content-Type", "application/json"),
        new StoredResponse.Header("Set-Cookie", "a=1"),
        new StoredResponse.Header("Set-Cookie", "b=2"),
        new StoredResponse.Header("X-Ünïcode", "välue ✓"),
        new StoredResponse.Header("X-Empty", "")), body);
    StoredResponse decoded = codec.decode(codec.encode(response));
    assertThat(decoded).isEqualTo(response);
    assertThat(decoded.headerValues("set-cookie")).containsExactly("a=1", "b=2");
  }

  @Test
  void roundTripsEmptyBodyAndNoHeaders() {
    StoredResponse response = new StoredResponse(204, List.of(), new byte[0]);
    assertThat(codec.decode(codec.encode(response))).isEqualTo(response);
  }

  @Test
  void rejectsEveryTruncation() {
    byte[] encoded = codec.encode(new StoredResponse(200,
        List.of(new StoredResponse.Header("A", "b")), "body".getBytes()));
    for (int length = 0; length < encoded.length; length++) {
      byte[] truncated = Arrays.copyOf(encoded, length);
      assertThatThrownBy(() -> codec.decode(truncated)).as("truncated to %d bytes", length)
          .isInstanceOf(CorruptRecordException.class);
    }
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] encoded = codec.encode(new StoredResponse(200, List.of(), new byte[] {1}));
    byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
    assertThatThrownBy(() -> codec.decode(longer)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("unexpected bytes");
  }

  @Test
  void rejectsForeignBytesAndUnknownVersionClearly() {
    assertThatThrownBy(() -> codec.decode("{\"status\":200}".getBytes())).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("magic");
    byte[] future = codec.encode(new StoredResponse(200, List.of(), new byte[0]));
    future[2] = 9;
    assertThatThrownBy(() -> codec.decode(future)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("version 9");
  }

  @Test
  void rejectsAHugeAnnouncedLengthWithoutAllocatingIt() {
    byte[] encoded = codec.encode(new StoredResponse(200, List.of(), new byte[0]));
    encoded[encoded.length - 4] = 0x7f; // body length 0x7f000000
    assertThatThrownBy(() -> codec.decode(encoded)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("announces");
  }

  @Test
  void rejectsInvalidUtf8InHeaders() {
    byte[] encoded = codec.encode(new StoredResponse(200,
        List.of(new StoredResponse.Header("A", "b")), new byte[0]));
    encoded[3 + 2 + 2 + 2] = (byte) 0xff; // the header name's only byte
    assertThatThrownBy(() -> codec.decode(encoded)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void rejectsAnImpossibleStatus() {
    assertThatThrownBy(() -> new StoredResponse(42, List.of(), new byte[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("42");
  }
}
