package io.idem.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a controller handler or any bean method idempotent.
 *
 * <p><b>On a Spring MVC or WebFlux handler</b> (the method, or its controller class): the request is
 * covered whatever its HTTP method (not only {@code idem.http.methods}), and the attributes override
 * the configuration for this handler. The key comes from the {@code Idempotency-Key} header.
 *
 * <p><b>On any other bean method</b> (a message listener, a scheduled job), with {@link #key()} set:
 * the method runs at most once per key; its return value is stored and returned again, without
 * running the method, to every later call with that key. A call that arrives while the first still
 * runs waits up to {@code idem.methods.wait-for-in-progress}, then gets
 * {@link DuplicateInProgressException}, so that a broker redelivers the message later.
 *
 * <p>Durations take Spring Boot's forms ({@code 30s}, {@code 24h}, ISO-8601) and {@code ${...}}
 * placeholders; an empty attribute keeps the configured value.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Idempotent {

  /**
   * For bean methods: a SpEL expression over the method's parameters that gives the key, e.g.
   * {@code "#event.id"} (parameters by name need {@code -parameters}; {@code #p0}, {@code #a0} always
   * work). Ignored on web handlers, whose key is the request header.
   */
  String key() default "";

  /** Web handlers: answer 400 to a request without the key header instead of running it unprotected. */
  boolean required() default false;

  /** How long an attempt holds its key before a retry may take it over; empty: {@code idem.lease}. */
  String lease() default "";

  /** How long the result is kept for replay; empty: {@code idem.retention}. */
  String retention() default "";

  /**
   * The namespace of the keys. Empty: {@code idem.http.namespace} for web handlers, and
   * {@code SimpleClassName.method} for bean methods, so that two listeners of one message keep
   * their own keys.
   */
  String namespace() default "";
}
