package io.idem.examples.payments;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/** What a {@code POST /payments} body must be, with the demo's wording for each mistake. */
final class PaymentRequest {

  static final long MAX_DELAY_MS = 600_000;
  static final int MAX_DESCRIPTION_LENGTH = 4096;
  private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");
  private static final Set<String> FIELDS = Set.of("amount", "currency", "delay_ms", "fail", "description");

  private PaymentRequest() {}

  /** The first thing wrong with the body, or null. */
  static String validate(JsonNode body) {
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
}
