package io.idem.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Every path the demo has no route for, whatever the method: 404 problem+json like every other error. */
final class NotFoundServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient ObjectMapper json;

  NotFoundServlet(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    DemoProblem.NOT_FOUND.send(json, response, "there is nothing at " + request.getRequestURI()
        + "; the demo serves /payments, /payments/{id} and /healthz");
  }
}
