/** Idem on Spring MVC: the filter that applies {@link io.idem.spring.Idempotent} handlers' settings, and what WebFlux shares with it. */
package io.idem.spring.web;
