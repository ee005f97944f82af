package io.idem.spring.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/** A real HTTP client for the application under test. */
final class Http {

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** A request; {@code key} and {@code user} may be null. */
  HttpRequest.Builder request(String method, String path, String key, String user, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .header("Content-Type", "application/json");
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    if (user != null) {
      String credentials = user + ":" + user + "-pw";
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return request;
  }

  HttpResponse<String> send(String method, String path, String key, String user, String body) {
    try {
      return client.send(request(method, path, key, user, body).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> post(String path, String key, String body) {
    return send("POST", path, key, null, body);
  }

  HttpResponse<String> get(String path) {
    return send("GET", path, null, null, null);
  }

  CompletableFuture<HttpResponse<String>> postAsync(String path, String key, String body) {
    return client.sendAsync(request("POST", path, key, null, body).build(), HttpResponse.BodyHandlers.ofString());
  }
}
