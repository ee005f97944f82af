package io.idem.http;

import io.idem.http.StoredResponse.Header;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders RFC 9457 {@code application/problem+json} answers; no JSON library needed for this shape.
 * Every adapter that answers a problem of its own (the gateway's upstream faults) renders it here, so
 * each problem Idem sends has the same shape and headers.
 */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {}

  /** The problem with its type's status and title, and {@code detail} for this occurrence. */
  public static StoredResponse of(ProblemType problem, String detail) {
    return of(problem, detail, null, Map.of());
  }

  /** The same, with a {@code Retry-After} of {@code retryAfter} rounded up to whole seconds. */
  public static StoredResponse of(ProblemType problem, String detail, Duration retryAfter) {
    return of(problem, detail, retryAfter, Map.of());
  }

  static StoredResponse of(ProblemType problem, String detail, Duration retryAfter, Map<String, Object> extensions) {
    StringBuilder json = new StringBuilder(160);
    json.append("{\"type\":");
    quote(json, problem.type().toString());
    json.append(",\"title\":");
    quote(json, problem.title());
    json.append(",\"status\":").append(problem.status());
    json.append(",\"detail\":");
    quote(json, detail);
    for (Map.Entry<String, Object> extension : extensions.entrySet()) {
      json.append(',');
      quote(json, extension.getKey());
      json.append(':');
      if (extension.getValue() instanceof Number number) {
        json.append(number);
      } else {
        quote(json, String.valueOf(extension.getValue()));
      }
    }
    json.append('}');
    List<Header> headers = new ArrayList<>(3);
    headers.add(new Header("Content-Type", CONTENT_TYPE));
    headers.add(new Header("Cache-Control", "no-store"));
    if (retryAfter != null) {
      headers.add(new Header("Retry-After", retryAfterSeconds(retryAfter)));
    }
    return new StoredResponse(problem.status(), headers, json.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Retry-After takes whole seconds; round up so that a client never comes back too early. */
  static String retryAfterSeconds(Duration delay) {
    long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
    return Long.toString(Math.max(1, seconds));
  }

  private static void quote(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
