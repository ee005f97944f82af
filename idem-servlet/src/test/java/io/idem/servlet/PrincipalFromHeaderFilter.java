package io.idem.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.security.Principal;

/** Stands in for an authentication filter: the {@code X-User} header becomes the principal. */
final class PrincipalFromHeaderFilter implements Filter {
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    String user = http.getHeader("X-User");
    if (user == null) {
      chain.doFilter(request, response);
      return;
    }
    Principal principal = () -> user;
    chain.doFilter(new HttpServletRequestWrapper(http) {
      @Override
      public Principal getUserPrincipal() {
        return principal;
      }
    }, response);
  }
}
