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
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.Principal;

/**
 * Demo-only authentication: {@code Authorization: Bearer <name>} makes {@code <name>} the
 * principal, which Idem's default tenant resolver then uses. The name is read as UTF-8, so any
 * printable Unicode name is a tenant ({@code zoë}, {@code 渡辺}). No header means anonymous; any other
 * Authorization, or a name that is not printable UTF-8, is 401. Never use this for real: it trusts
 * whatever name the client sends.
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
        ? utf8(value.substring(BEARER.length()).trim()) : "";
    if (name == null || name.isEmpty() || name.chars().anyMatch(Character::isISOControl)) {
      HttpServletResponse http401 = (HttpServletResponse) response;
      http401.setHeader("WWW-Authenticate", "Bearer realm=\"idem-demo\"");
      DemoProblem.UNAUTHORIZED.send(json, http401, name == null
          ? "the name after \"Bearer \" must be UTF-8; these bytes are not"
          : "the demo accepts only \"Authorization: Bearer <name>\", a name of printable UTF-8 characters");
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

  /**
   * The name as the client wrote it. Servers hand header values over as ISO-8859-1, one character per
   * byte, so {@code zoë} sent as UTF-8 arrives as {@code zoÃ«}; re-read those bytes as UTF-8. Null
   * when they are not UTF-8.
   */
  private static String utf8(String headerValue) {
    if (headerValue.chars().anyMatch(c -> c > 0xFF)) {
      return headerValue; // already decoded past ISO-8859-1 by the server
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
