package io.idem.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * A demo route: it serves the methods it lists (HEAD with GET, and OPTIONS); any other method, known
 * or not ({@code PATCH}, {@code post}, {@code FOO}), is the client's mistake and gets 405 problem+json
 * with {@code Allow}, never the servlet API's 501. (TRACE never gets here: idem-jetty refuses it.)
 */
abstract class RouteServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  protected final transient ObjectMapper json;

  RouteServlet(ObjectMapper json) {
    this.json = json;
  }

  /** The methods served at this request's path, without HEAD and OPTIONS, which are implied. */
  abstract List<String> methods(HttpServletRequest request);

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    List<String> methods = methods(request);
    String method = request.getMethod();
    String allow = allow(methods);
    if (method.equals("OPTIONS")) {
      response.setHeader("Allow", allow);
      response.setContentLength(0);
      return;
    }
    if (!methods.contains(method) && !(method.equals("HEAD") && methods.contains("GET"))) {
      response.setHeader("Allow", allow);
      DemoProblem.METHOD_NOT_ALLOWED.send(json, response, method + " is not allowed on "
          + request.getRequestURI() + "; allowed: " + allow);
      return;
    }
    super.service(request, response);
  }

  private static String allow(List<String> methods) {
    StringBuilder allow = new StringBuilder();
    for (String method : methods) {
      allow.append(method).append(", ");
      if (method.equals("GET")) {
        allow.append("HEAD, ");
      }
    }
    return allow.append("OPTIONS").toString();
  }
}
