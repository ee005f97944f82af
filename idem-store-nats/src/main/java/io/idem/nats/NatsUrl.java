package io.idem.nats;

import io.idem.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A store URL: {@code nats://host:port}, several servers separated by commas, optionally followed by
 * {@code ?bucket=..&replicas=..&storage=file|memory}. Credentials in the URL ({@code nats://user:pass@host})
 * are jnats' business.
 */
record NatsUrl(List<String> servers, Map<String, String> parameters) {

  static final List<String> PARAMETERS = List.of("bucket", "replicas", "storage");

  /** @throws IllegalArgumentException naming what is wrong with the URL */
  static NatsUrl parse(String url) {
    Objects.requireNonNull(url, "natsUrl");
    int query = url.indexOf('?');
    String serverList = query < 0 ? url : url.substring(0, query);
    List<String> servers = List.of(serverList.split(","));
    for (String server : servers) {
      String lower = server.trim().toLowerCase(Locale.ROOT);
      if (!(lower.startsWith("nats://") || lower.startsWith("tls://")) || lower.length() <= "nats://".length()) {
        throw new IllegalArgumentException("not a NATS server URL (nats://host:port or tls://host:port): '"
            + NatsUrl.redact(server) + "'");
      }
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    if (query >= 0 && query < url.length() - 1) {
      for (String pair : url.substring(query + 1).split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        if (!PARAMETERS.contains(name)) {
          throw new IllegalArgumentException("unknown NATS store URL parameter '" + name + "'; known: " + PARAMETERS);
        }
        parameters.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return new NatsUrl(servers.stream().map(String::trim).toList(), Map.copyOf(parameters));
  }

  /** Sets on {@code builder} what the URL's query parameters say. */
  void applyParameters(NatsStore.Builder builder) {
    parameters.forEach((name, value) -> {
      switch (name) {
        case "bucket" -> builder.bucket(value);
        case "replicas" -> {
          try {
            builder.replicas(Integer.parseInt(value));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replicas must be a number, was '" + value + "'", e);
          }
        }
        case "storage" -> builder.storage(switch (value.toLowerCase(Locale.ROOT)) {
          case "file" -> StorageType.File;
          case "memory" -> StorageType.Memory;
          default -> throw new IllegalArgumentException("storage must be file or memory, was '" + value + "'");
        });
        default -> throw new IllegalArgumentException("unknown parameter " + name);
      }
    });
  }

  /**
   * Opens a connection that reconnects for ever, at most a quarter of a second apart, and refuses
   * publishes while disconnected instead of buffering them (a call then fails at once rather than
   * being sent after its caller gave up).
   */
  Connection connect(Duration timeout) {
    ConnectionEvents events = new ConnectionEvents();
    Options options = Options.builder()
        .servers(servers.toArray(String[]::new))
        .connectionName("idem")
        .connectionTimeout(timeout)
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(250))
        .reconnectBufferSize(0)
        .pingInterval(Duration.ofSeconds(5))
        .connectionListener(events)
        .errorListener(events)
        .build();
    try {
      return Nats.connect(options);
    } catch (IOException e) {
      throw new StoreUnavailableException(NatsStore.STORE_NAME, "connect", "cannot connect to " + redacted() + ": "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(NatsStore.STORE_NAME, "connect", "interrupted while connecting", e);
    }
  }

  String redacted() {
    return String.join(",", servers.stream().map(NatsUrl::redact).toList());
  }

  /** Keeps passwords and tokens in URLs out of messages. */
  static String redact(String server) {
    return server.replaceAll("(//)[^@/]*@", "$1***@");
  }
}
