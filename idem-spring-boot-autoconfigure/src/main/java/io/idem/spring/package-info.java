/** Idem for Spring: the {@link io.idem.spring.Idempotent} annotation and what it throws. */
package io.idem.spring;
