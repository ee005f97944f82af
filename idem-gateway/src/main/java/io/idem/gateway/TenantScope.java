package io.idem.gateway;

import io.idem.http.TenantResolver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Whose replays a request may see. A proxy has no authenticated principal, and must not trust a
 * tenant the client names, so by default the tenant is derived from the credentials the upstream will
 * check: a SHA-256 of the {@code Authorization} header. Two clients with different credentials never
 * share a key; the credential itself is never written to the store (only its hash is in the key).
 */
public sealed interface TenantScope {

  /** The resolver the HTTP layer calls for each request. */
  TenantResolver resolver();

  /** The default: SHA-256 of every {@code Authorization} value; no header is the anonymous tenant. */
  record AuthorizationHash() implements TenantScope {
    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread (the proxy's event loops): a provider lookup per request costs more than the hash. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
    });

    @Override
    public TenantResolver resolver() {
      return request -> {
        List<String> values = request.headers("Authorization");
        return values.isEmpty() ? "" : "authorization-sha256:" + sha256(String.join("\n", values));
      };
    }

    private static String sha256(String value) {
      // digest() leaves the digest reset for the next request on this thread.
      return HEX.formatHex(SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /**
   * The value of a header that an authentication layer in front of the gateway sets (and strips from
   * what clients send). A request without it is the anonymous tenant.
   */
  record Header(String name) implements TenantScope {
    public Header {
      if (name == null || name.isBlank() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
        throw new IllegalArgumentException("--tenant-header must be a header name, was \"" + name + "\"");
      }
    }

    @Override
    public TenantResolver resolver() {
      return request -> {
        List<String> values = request.headers(name);
        return values.isEmpty() ? "" : utf8(values.get(0).trim());
      };
    }
  }

  /** One tenant for every client: only for a service whose every caller may see every replay. */
  record None() implements TenantScope {
    @Override
    public TenantResolver resolver() {
      return TenantResolver.shared();
    }
  }

  /** {@code authorization}, {@code none}; {@code --tenant-header NAME} makes a {@link Header}. */
  static TenantScope named(String mode) {
    return switch (mode.trim().toLowerCase(Locale.ROOT)) {
      case "authorization" -> new AuthorizationHash();
      case "none" -> new None();
      default -> throw new IllegalArgumentException("--tenant must be authorization or none (or use --tenant-header "
          + "NAME), was \"" + mode + "\"");
    };
  }


  /** Servers hand header bytes over as ISO-8859-1; an auth layer writes names as UTF-8 (see TenantResolver). */
  private static String utf8(String latin1) {
    if (latin1.chars().anyMatch(c -> c > 0xff)) {
      return latin1;
    }
    return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
