package io.idem.examples.payments;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the demo answers to everything else: a method a route does not serve is 405 with
 * {@code Allow}; a path with no route is 404; both problem+json. Spring picks these mappings only
 * when no more specific one matches.
 */
@RestController
class OtherRequests {

  private static final String COLLECTION = "GET, HEAD, POST, OPTIONS";
  private static final String ONE = "GET, HEAD, OPTIONS";

  // OPTIONS mapped by name: Spring answers an unnamed one itself, with its own Allow.
  @RequestMapping(path = {"/payments", "/payments/"}, method = RequestMethod.OPTIONS)
  void collectionOptions(HttpServletRequest request, HttpServletResponse response) throws IOException {
    refuse(request, response, COLLECTION);
  }

  @RequestMapping(path = {"/payments/{*id}", "/healthz"}, method = RequestMethod.OPTIONS)
  void oneOptions(HttpServletRequest request, HttpServletResponse response) throws IOException {
    refuse(request, response, ONE);
  }

  @RequestMapping({"/payments", "/payments/"})
  void collection(HttpServletRequest request, HttpServletResponse response) throws IOException {
    refuse(request, response, COLLECTION);
  }

  @RequestMapping({"/payments/{*id}", "/healthz"})
  void one(HttpServletRequest request, HttpServletResponse response) throws IOException {
    refuse(request, response, ONE);
  }

  @RequestMapping("/**")
  void notFound(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Problem.NOT_FOUND.send(response, "there is nothing at " + request.getRequestURI()
        + "; the demo serves /payments, /payments/{id} and /healthz");
  }

  private static void refuse(HttpServletRequest request, HttpServletResponse response, String allow)
      throws IOException {
    response.setHeader("Allow", allow);
    if (request.getMethod().equals("OPTIONS")) {
      response.setContentLength(0);
      return;
    }
    Problem.METHOD_NOT_ALLOWED.send(response, request.getMethod() + " is not allowed on "
        + request.getRequestURI() + "; allowed: " + allow);
  }
}
