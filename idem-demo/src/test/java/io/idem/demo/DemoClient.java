package io.idem.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A real HTTP client speaking to one demo instance. */
final class DemoClient {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private final URI base;

  DemoClient(int port) {
    this.base = URI.create("http://localhost:" + port);
  }

  private HttpRequest.Builder request(String path, String tenant) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (tenant != null) {
      builder.header("Authorization", "Bearer " + tenant);
    }
    return builder;
  }

  HttpRequest createRequest(String tenant, String key, String json) {
    return createRequest(tenant, key, json, null);
  }

  HttpRequest createRequest(String tenant, String key, String json, String prefer) {
    HttpRequest.Builder builder = request("/payments", tenant).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (key != null) {
      builder.header("Idempotency-Key", key);
    }
    if (prefer != null) {
      builder.header("Prefer", prefer);
    }
    return builder.build();
  }

  CompletableFuture<HttpResponse<String>> createPreferringAsync(String tenant, String key, String json,
      String prefer) {
    return CLIENT.sendAsync(createRequest(tenant, key, json, prefer), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> create(String tenant, String key, String json) throws Exception {
    return CLIENT.send(createRequest(tenant, key, json), HttpResponse.BodyHandlers.ofString());
  }

  CompletableFuture<HttpResponse<String>> createAsync(String tenant, String key, String json) {
    return CLIENT.sendAsync(createRequest(tenant, key, json), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String tenant, String path) throws Exception {
    return CLIENT.send(request(path, tenant).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
