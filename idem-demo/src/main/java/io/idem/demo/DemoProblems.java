package io.idem.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The demo's own RFC 9457 answers (Idem's are written by the filter). */
final class DemoProblems {

  static final String BASE = "https://idem.io/problems/demo/";

  private DemoProblems() {}

  static void send(ObjectMapper json, HttpServletResponse response, int status, String slug, String title,
      String detail) throws IOException {
    ObjectNode problem = json.createObjectNode()
        .put("type", BASE + slug)
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.getOutputStream().write(json.writeValueAsBytes(problem));
  }
}
