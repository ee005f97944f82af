package io.idem.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A real HTTP client with the few request shapes the tests send. */
final class Http {

  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Http() {}

  static HttpRequest.Builder post(URI uri, String key, byte[] body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (key != null) {
      builder.header("Idempotency-Key", key);
    }
    return builder;
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(URI uri, String key, String body) {
    return CLIENT.sendAsync(post(uri, key, body.getBytes(StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static HttpResponse<String> post(URI uri, String key, String body) throws Exception {
    return send(post(uri, key, body.getBytes(StandardCharsets.UTF_8)));
  }
}
