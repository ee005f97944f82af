package io.idem;

import java.util.Objects;

/**
 * The scope of one idempotent operation: a namespace (the API or consumer), a tenant (whose request
 * it is, so one client never receives another's replay) and the client's key.
 *
 * <p>Validation happens here, once, for every store:
 * <ul>
 *   <li>key: 1 to 255 visible ASCII characters ({@code !} to {@code ~}), as Stripe and the IETF draft
 *       allow;</li>
 *   <li>namespace: 1 to 100 characters, no control characters;</li>
 *   <li>tenant: 0 to 255 characters (empty means anonymous), no control characters.</li>
 * </ul>
 *
 * <p>{@link #encoded()} is the one string form stores use. It is length-prefixed, so it is
 * collision-free whatever characters the parts hold, and every key of a namespace starts with
 * {@link #namespacePrefix(String)}, which no key of another namespace starts with.
 */
public record IdempotencyKey(String namespace, String tenant, String key) {

  public static final int MAX_KEY_LENGTH = 255;
  public static final int MAX_NAMESPACE_LENGTH = 100;
  public static final int MAX_TENANT_LENGTH = 255;

  public IdempotencyKey {
    validateNamespace(namespace);
    validateTenant(tenant);
    validateKey(key);
  }

  /** A key with no tenant. */
  public static IdempotencyKey of(String namespace, String key) {
    return new IdempotencyKey(namespace, "", key);
  }

  public static IdempotencyKey of(String namespace, String tenant, String key) {
    return new IdempotencyKey(namespace, tenant, key);
  }

  /** {@code <len>:<namespace>|<len>:<tenant>|<key>}: stable across versions, unique per triple. */
  public String encoded() {
    return namespacePrefix(namespace) + tenant.length() + ':' + tenant + '|' + key;
  }

  /** The prefix that every {@link #encoded()} key of this namespace, and only of it, starts with. */
  public static String namespacePrefix(String namespace) {
    validateNamespace(namespace);
    return namespace.length() + ":" + namespace + '|';
  }

  /** Checks a client-supplied key; the message says what is wrong and where. */
  public static void validateKey(String key) {
    if (key == null) {
      throw new InvalidKeyException("idempotency key is missing");
    }
    if (key.isEmpty()) {
      throw new InvalidKeyException("idempotency key is empty");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new InvalidKeyException("idempotency key is " + key.length() + " characters long; the limit is "
          + MAX_KEY_LENGTH);
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new InvalidKeyException("idempotency key has " + describe(c) + " at index " + i
            + "; only visible ASCII characters (! to ~) are allowed");
      }
    }
  }

  public static void validateNamespace(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.isEmpty() || namespace.length() > MAX_NAMESPACE_LENGTH) {
      throw new InvalidKeyException("namespace must be 1 to " + MAX_NAMESPACE_LENGTH
          + " characters, was " + namespace.length());
    }
    rejectControlCharacters("namespace", namespace);
  }

  public static void validateTenant(String tenant) {
    Objects.requireNonNull(tenant, "tenant (use \"\" for none)");
    if (tenant.length() > MAX_TENANT_LENGTH) {
      throw new InvalidKeyException("tenant must be at most " + MAX_TENANT_LENGTH + " characters, was "
          + tenant.length());
    }
    rejectControlCharacters("tenant", tenant);
  }

  private static void rejectControlCharacters(String what, String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new InvalidKeyException(what + " has " + describe(value.charAt(i)) + " at index " + i
            + "; control characters are not allowed");
      }
    }
  }

  private static String describe(char c) {
    return String.format("character U+%04X", (int) c);
  }

  @Override
  public String toString() {
    return "IdempotencyKey[" + encoded() + "]";
  }
}
