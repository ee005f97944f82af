package io.idem.http;

import io.idem.ResultCodec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An HTTP response as Idem keeps it for replay: status, headers in order (names as sent, repeated
 * names allowed) and the body byte for byte, in Idem's versioned binary format ({@link #codec()}).
 */
public record StoredResponse(int status, List<Header> headers, byte[] body) {

  public StoredResponse {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("HTTP status must be 100..999, was " + status);
    }
    headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
    Objects.requireNonNull(body, "body");
  }

  /** The codec of the stored format (decision 0003); decoding rejects bytes it did not write. */
  public static ResultCodec<StoredResponse> codec() {
    return StoredResponseCodec.INSTANCE;
  }

  /** One header line. */
  public record Header(String name, String value) {
    public Header {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "header value");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name is empty");
      }
    }
  }

  /** The values of a header, case-insensitively by name, in order. */
  public List<String> headerValues(String name) {
    return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredResponse other && status == other.status && headers.equals(other.headers)
        && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return (status * 31 + headers.hashCode()) * 31 + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "StoredResponse[" + status + ", " + headers.size() + " headers, " + body.length + " bytes]";
  }
}
