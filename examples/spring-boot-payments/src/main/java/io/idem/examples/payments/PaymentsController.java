package io.idem.examples.payments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /payments} creates a payment; {@code GET /payments} lists the tenant's payments;
 * {@code GET /payments/{id}} shows one. Idem's filter, configured in application.properties, does
 * everything about idempotency; the answers are written as the demo writes them, byte for byte.
 */
@RestController
class PaymentsController {

  private final Ledger ledger;

  PaymentsController(Ledger ledger) {
    this.ledger = ledger;
  }

  @PostMapping({"/payments", "/payments/"})
  void create(HttpServletRequest request, HttpServletResponse response) throws IOException {
    JsonNode body;
    try {
      body = Problem.JSON.readTree(request.getInputStream());
    } catch (JsonProcessingException e) {
      Problem.INVALID_PAYMENT.send(response, "the body is not valid JSON: " + e.getOriginalMessage());
      return;
    } catch (IOException e) {
      Problem.INVALID_PAYMENT.send(response,
          "the body could not be read: it ended before its Content-Length or arrived too slowly");
      return;
    }
    String error = PaymentRequest.validate(body);
    if (error != null) {
      Problem.INVALID_PAYMENT.send(response, error);
      return;
    }
    long delay = body.path("delay_ms").asLong(0);
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        Problem.INTERRUPTED.send(response, "the server is shutting down");
        return;
      }
    }
    if (body.path("fail").asBoolean(false)) {
      Problem.PAYMENT_FAILED.send(response,
          "the payment failed as requested by \"fail\": true; nothing was created, a retry runs again");
      return;
    }
    Payment payment = new Payment("pay_" + UUID.randomUUID().toString().replace("-", ""),
        body.get("amount").asLong(), body.get("currency").asText().toUpperCase(Locale.ROOT), Instant.now());
    ledger.add(tenant(request), payment);
    response.setStatus(201);
    response.setHeader("Location", "/payments/" + payment.id());
    writeJson(response, toJson(payment));
  }

  @GetMapping({"/payments", "/payments/"})
  void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
    ArrayNode payments = Problem.JSON.createArrayNode();
    ledger.list(tenant(request)).forEach(p -> payments.add(toJson(p)));
    writeJson(response, payments);
  }

  @GetMapping("/payments/{*id}")
  void show(@PathVariable("id") String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
    String paymentId = id.substring(1);
    Optional<Payment> payment = ledger.find(tenant(request), paymentId);
    if (payment.isEmpty()) {
      Problem.PAYMENT_NOT_FOUND.send(response, "no payment " + paymentId + " for this tenant");
      return;
    }
    writeJson(response, toJson(payment.get()));
  }

  @GetMapping("/healthz")
  void health(HttpServletResponse response) throws IOException {
    response.setContentType("application/json");
    response.getOutputStream().write("{\"status\":\"ok\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String tenant(HttpServletRequest request) {
    return request.getUserPrincipal() == null ? "" : request.getUserPrincipal().getName();
  }

  private static void writeJson(HttpServletResponse response, JsonNode node) throws IOException {
    response.setContentType("application/json");
    response.getOutputStream().write(Problem.JSON.writeValueAsBytes(node));
  }

  private static ObjectNode toJson(Payment payment) {
    return Problem.JSON.createObjectNode()
        .put("id", payment.id())
        .put("amount", payment.amount())
        .put("currency", payment.currency())
        .put("created_at", payment.createdAt().toString());
  }
}
