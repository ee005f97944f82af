/** Idem on Spring WebFlux: a {@link org.springframework.web.server.WebFilter} on the engine's asynchronous path. */
package io.idem.spring.webflux;
