package io.idem.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code GET /healthz}: 200 while the server accepts requests. */
final class HealthServlet extends RouteServlet {
  private static final long serialVersionUID = 1L;

  HealthServlet(ObjectMapper json) {
    super(json);
  }

  @Override
  List<String> methods(HttpServletRequest request) {
    return List.of("GET");
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setContentType("application/json");
    response.getOutputStream().write("{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
  }
}
