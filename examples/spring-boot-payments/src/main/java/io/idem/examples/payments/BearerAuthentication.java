package io.idem.examples.payments;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Example-only authentication, as the demo's: {@code Authorization: Bearer <name>} makes the UTF-8
 * {@code <name>} the principal, which Idem takes as the tenant. No header is anonymous; anything else
 * is 401. It runs before Idem's filter, as Spring Security would. Never use it for real: it trusts
 * whatever name the client sends.
 */
@Configuration(proxyBeanMethods = false)
class BearerAuthentication {

  /** Before Idem's filter, which sits right after where Spring Security's would be (-100). */
  static final int ORDER = -100;

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> bearerPrincipalFilter() {
    FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new BearerFilter());
    registration.setOrder(ORDER);
    return registration;
  }

  static final class BearerFilter extends OncePerRequestFilter {
    private static final String BEARER = "bearer ";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      String authorization = request.getHeader("Authorization");
      if (authorization == null) {
        chain.doFilter(request, response);
        return;
      }
      String value = authorization.trim();
      String name = value.regionMatches(true, 0, BEARER, 0, BEARER.length())
          ? utf8(value.substring(BEARER.length()).trim()) : "";
      if (name == null || name.isEmpty() || name.chars().anyMatch(Character::isISOControl)) {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"idem-demo\"");
        Problem.UNAUTHORIZED.send(response, name == null
            ? "the name after \"Bearer \" must be UTF-8; these bytes are not"
            : "the demo accepts only \"Authorization: Bearer <name>\", a name of printable UTF-8 characters");
        return;
      }
      Principal principal = () -> name;
      chain.doFilter(new HttpServletRequestWrapper(request) {
        @Override
        public Principal getUserPrincipal() {
          return principal;
        }
      }, response);
    }

    /** Header values arrive as ISO-8859-1, one character per byte: re-read them as UTF-8; null when they are not. */
    private static String utf8(String headerValue) {
      if (headerValue.chars().anyMatch(c -> c > 0xFF)) {
        return headerValue;
      }
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(headerValue.getBytes(StandardCharsets.ISO_8859_1)))
            .toString();
      } catch (CharacterCodingException e) {
        return null;
      }
    }
  }
}
