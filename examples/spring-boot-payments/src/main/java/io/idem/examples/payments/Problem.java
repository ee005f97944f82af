package io.idem.examples.payments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The example's own RFC 9457 answers: the demo's types, statuses and wording (Idem's come from the filter). */
enum Problem {

  INVALID_PAYMENT(400, "invalid-payment", "Invalid payment request"),
  UNAUTHORIZED(401, "unauthorized", "Unauthorized"),
  NOT_FOUND(404, "not-found", "Not found"),
  PAYMENT_NOT_FOUND(404, "payment-not-found", "Payment not found"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
  PAYMENT_FAILED(500, "payment-failed", "Payment failed"),
  INTERRUPTED(503, "interrupted", "Interrupted");

  static final String BASE = "https://idem.io/problems/demo/";
  static final ObjectMapper JSON = new ObjectMapper();

  private final int status;
  private final String type;
  private final String title;

  Problem(int status, String slug, String title) {
    this.status = status;
    this.type = BASE + slug;
    this.title = title;
  }

  void send(HttpServletResponse response, String detail) throws IOException {
    ObjectNode problem = JSON.createObjectNode()
        .put("type", type)
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.setHeader("Cache-Control", "no-store");
    response.getOutputStream().write(JSON.writeValueAsBytes(problem));
  }
}
