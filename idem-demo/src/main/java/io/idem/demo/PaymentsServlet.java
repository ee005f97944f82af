package io.idem.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code POST /payments} creates a payment; {@code GET /payments} lists the tenant's payments;
 * {@code GET /payments/{id}} shows one. The handler knows nothing about idempotency: the filter in
 * front of it does all of that.
 */
final class PaymentsServlet extends RouteServlet {
  private static final long serialVersionUID = 1L;

  static final long MAX_DELAY_MS = 600_000;
  static final int MAX_DESCRIPTION_LENGTH = 4096;
  private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");
  private static final Set<String> FIELDS = Set.of("amount", "currency", "delay_ms", "fail", "description");

  private final transient Ledger ledger;

  PaymentsServlet(ObjectMapper json, Ledger ledger) {
    super(json);
    this.ledger = ledger;
  }

  /** {@code /payments} lists and creates; {@code /payments/{id}} only shows. */
  @Override
  List<String> methods(HttpServletRequest request) {
    return isCollection(request) ? List.of("GET", "POST") : List.of("GET");
  }

  private static boolean isCollection(HttpServletRequest request) {
    return request.getPathInfo() == null || request.getPathInfo().equals("/");
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    JsonNode body;
    try {
      body = json.readTree(request.getInputStream());
    } catch (JsonProcessingException e) {
      invalid(response, "the body is not valid JSON: " + e.getOriginalMessage());
      return;
    } catch (IOException e) {
      // Reached only without Idem in front (Idem reads the body first): keep server internals out.
      invalid(response, "the body could not be read: it ended before its Content-Length or arrived too slowly");
      return;
    }
    String error = validate(body);
    if (error != null) {
      invalid(response, error);
      return;
    }
    long delay = body.path("delay_ms").asLong(0);
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        DemoProblem.INTERRUPTED.send(json, response, "the server is shutting down");
        return;
      }
    }
    if (body.path("fail").asBoolean(false)) {
      DemoProblem.PAYMENT_FAILED.send(json, response,
          "the payment failed as requested by \"fail\": true; nothing was created, a retry runs again");
      return;
    }
    Payment payment = new Payment("pay_" + UUID.randomUUID().toString().replace("-", ""),
        body.get("amount").asLong(), body.get("currency").asText().toUpperCase(java.util.Locale.ROOT), Instant.now());
    ledger.add(tenant(request), payment);
    response.setStatus(201);
    response.setHeader("Location", "/payments/" + payment.id());
    response.setContentType("application/json");
    response.getOutputStream().write(json.writeValueAsBytes(toJson(payment)));
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = request.getPathInfo();
    if (isCollection(request)) {
      response.setContentType("application/json");
      ArrayNode payments = json.createArrayNode();
      ledger.list(tenant(request)).forEach(p -> payments.add(toJson(p)));
      response.getOutputStream().write(json.writeValueAsBytes(payments));
      return;
    }
    String id = path.substring(1);
    var payment = ledger.find(tenant(request), id);
    if (payment.isEmpty()) {
      DemoProblem.PAYMENT_NOT_FOUND.send(json, response, "no payment " + id + " for this tenant");
      return;
    }
    response.setContentType("application/json");
    response.getOutputStream().write(json.writeValueAsBytes(toJson(payment.get())));
  }

  private static String tenant(HttpServletRequest request) {
    return request.getUserPrincipal() == null ? "" : request.getUserPrincipal().getName();
  }

  /** The first thing wrong with the body, or null. */
  private static String validate(JsonNode body) {
    if (body == null || !body.isObject()) {
      return "the body must be a JSON object";
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        return "unknown field \"" + name + "\"; allowed: amount, currency, delay_ms, fail, description";
      }
    }
    JsonNode amount = body.get("amount");
    if (amount == null || !amount.isIntegralNumber() || !amount.canConvertToLong() || amount.asLong() <= 0) {
      return "\"amount\" must be a positive integer (minor units, e.g. cents)";
    }
    JsonNode currency = body.get("currency");
    if (currency == null || !currency.isTextual() || !CURRENCY.matcher(currency.asText()).matches()) {
      return "\"currency\" must be a three-letter code such as \"EUR\"";
    }
    JsonNode delay = body.get("delay_ms");
    if (delay != null && (!delay.isIntegralNumber() || !delay.canConvertToLong() || delay.asLong() < 0
        || delay.asLong() > MAX_DELAY_MS)) {
      return "\"delay_ms\" must be an integer from 0 to " + MAX_DELAY_MS;
    }
    JsonNode fail = body.get("fail");
    if (fail != null && !fail.isBoolean()) {
      return "\"fail\" must be true or false";
    }
    JsonNode description = body.get("description");
    if (description != null && (!description.isTextual() || description.asText().length() > MAX_DESCRIPTION_LENGTH)) {
      return "\"description\" must be a string of at most " + MAX_DESCRIPTION_LENGTH + " characters";
    }
    return null;
  }

  private void invalid(HttpServletResponse response, String detail) throws IOException {
    DemoProblem.INVALID_PAYMENT.send(json, response, detail);
  }

  private ObjectNode toJson(Payment payment) {
    return json.createObjectNode()
        .put("id", payment.id())
        .put("amount", payment.amount())
        .put("currency", payment.currency())
        .put("created_at", payment.createdAt().toString());
  }
}
