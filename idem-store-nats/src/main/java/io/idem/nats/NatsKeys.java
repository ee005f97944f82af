package io.idem.nats;

import io.idem.IdempotencyKey;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Objects;

/**
 * How an {@link IdempotencyKey} becomes a NATS key-value key, which may hold only
 * {@code [-/_=.A-Za-z0-9]} with dots between non-empty tokens (decision 0501).
 *
 * <p>The key is three tokens, {@code <namespace>.<tenant>.<key>}, so every key of a namespace and
 * only of it matches the filter {@code <namespace>.>}. Each part becomes one token in one of two
 * forms, whichever is shorter (the readable one on a tie):
 * <ul>
 *   <li>readable: {@code A-Z a-z 0-9 -} stay as they are, every other byte of the part's UTF-8 is
 *       {@code _} and two upper-case hex digits ({@code order-42}, {@code alice_40example_2Ecom});</li>
 *   <li>compact: {@code =} followed by the unpadded base64url of the part's UTF-8. The empty part
 *       (an anonymous tenant) is {@code =} alone.</li>
 * </ul>
 * A token starting with {@code =} is compact, any other is readable, and neither form holds a dot:
 * decoding is unique, so two different keys never share a NATS key. Lone UTF-16 surrogates, which
 * Java strings may hold, are encoded like code points (WTF-8) instead of being replaced, so they too
 * stay distinct. The compact form bounds the length: the longest valid key is under 1,800 characters,
 * well inside the 4 KiB control line a NATS server accepts by default.
 */
final class NatsKeys {

  private static final Base64.Encoder COMPACT = Base64.getUrlEncoder().withoutPadding();
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private NatsKeys() {}

  /** The NATS key of one record. */
  static String of(IdempotencyKey key) {
    Objects.requireNonNull(key, "key");
    return token(key.namespace()) + '.' + token(key.tenant()) + '.' + token(key.key());
  }

  /** The filter that matches every key of {@code namespace} and no other. */
  static String namespaceFilter(String namespace) {
    IdempotencyKey.validateNamespace(namespace);
    return token(namespace) + ".>";
  }

  /** One part as one token: the readable form unless the compact one is shorter. */
  static String token(String part) {
    if (isPlain(part)) {
      // The common case (order-42, a UUID): the readable form is the part itself, never longer than compact.
      return part;
    }
    byte[] bytes = wtf8(part);
    int readable = 0;
    for (byte b : bytes) {
      readable += isPlain(b) ? 1 : 3;
    }
    int compact = 1 + (bytes.length * 4 + 2) / 3;
    if (readable > 0 && readable <= compact) {
      StringBuilder token = new StringBuilder(readable);
      for (byte b : bytes) {
        if (isPlain(b)) {
          token.append((char) b);
        } else {
          token.append('_').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
      }
      return token.toString();
    }
    return "=" + COMPACT.encodeToString(bytes);
  }

  private static boolean isPlain(String part) {
    if (part.isEmpty()) {
      return false;
    }
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c >= 0x80 || !isPlain((byte) c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPlain(byte b) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-';
  }

  /** UTF-8 of each code point, lone surrogates included (String.getBytes would turn them into '?'). */
  static byte[] wtf8(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 8);
    text.codePoints().forEach(c -> {
      if (c < 0x80) {
        out.write(c);
      } else if (c < 0x800) {
        out.write(0xc0 | (c >> 6));
        out.write(0x80 | (c & 0x3f));
      } else if (c < 0x10000) {
        out.write(0xe0 | (c >> 12));
        out.write(0x80 | ((c >> 6) & 0x3f));
        out.write(0x80 | (c & 0x3f));
      } else {
        out.write(0xf0 | (c >> 18));
        out.write(0x80 | ((c >> 12) & 0x3f));
        out.write(0x80 | ((c >> 6) & 0x3f));
        out.write(0x80 | (c & 0x3f));
      }
    });
    return out.toByteArray();
  }
}
