/** Store URIs ({@code memory:}, {@code redis://}, {@code jdbc:..}, {@code nats://}) to stores: {@link io.idem.storeuri.StoreUri}. */
package io.idem.storeuri;
