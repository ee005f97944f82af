/** {@link io.idem.spring.Idempotent} on any bean method: a SpEL key, the return value kept and replayed. */
package io.idem.spring.method;
