package io.idem.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;

/**
 * Demo-only authentication: {@code Authorization: Bearer <name>} makes {@code <name>} the
 * principal, which Idem's default tenant resolver then uses. No header means anonymous; any other
 * Authorization is 401. Never use this for real: it trusts whatever name the client sends.
 */
final class BearerPrincipalFilter implements Filter {

  private static final String BEARER = "bearer ";
  private final ObjectMapper json;

  BearerPrincipalFilter(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    String authorization = http.getHeader("Authorization");
    if (authorization == null) {
      chain.doFilter(request, response);
      return;
    }
    String value = authorization.trim();
    String name = value.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? value.substring(BEARER.length()).trim() : "";
    if (name.isEmpty()) {
      DemoProblems.send(json, (HttpServletResponse) response, 401, "unauthorized", "Unauthorized",
          "the demo accepts only \"Authorization: Bearer <name>\"");
      return;
    }
    Principal principal = () -> name;
    chain.doFilter(new HttpServletRequestWrapper(http) {
      @Override
      public Principal getUserPrincipal() {
        return principal;
      }
    }, response);
  }
}
