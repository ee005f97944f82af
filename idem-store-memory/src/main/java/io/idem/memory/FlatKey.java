package io.idem.memory;

import io.idem.IdempotencyKey;

/**
 * A key as the store holds it: one string, {@code <length>:<namespace><length>:<tenant><key>}, so a
 * record keeps two objects for its key instead of five (the key and its three strings), which is less
 * for the collector to copy while the record is young. The lengths make it unambiguous whatever the
 * parts contain.
 */
final class FlatKey {

  private FlatKey() {}

  static String of(IdempotencyKey key) {
    String namespace = key.namespace();
    String tenant = key.tenant();
    return new StringBuilder(namespace.length() + tenant.length() + key.key().length() + 12)
        .append(namespace.length()).append(':').append(namespace)
        .append(tenant.length()).append(':').append(tenant)
        .append(key.key())
        .toString();
  }

  /** What every flat key of {@code namespace} starts with, and no other's. */
  static String namespacePrefix(String namespace) {
    return namespace.length() + ":" + namespace;
  }

  static IdempotencyKey parse(String flat) {
    int colon = flat.indexOf(':');
    int namespaceEnd = colon + 1 + Integer.parseInt(flat, 0, colon, 10);
    int tenantColon = flat.indexOf(':', namespaceEnd);
    int tenantEnd = tenantColon + 1 + Integer.parseInt(flat, namespaceEnd, tenantColon, 10);
    return IdempotencyKey.of(flat.substring(colon + 1, namespaceEnd), flat.substring(tenantColon + 1, tenantEnd),
        flat.substring(tenantEnd));
  }
}
