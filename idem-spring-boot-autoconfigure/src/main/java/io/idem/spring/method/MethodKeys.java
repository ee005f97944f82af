package io.idem.spring.method;

import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionException;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/** Evaluates {@code @Idempotent(key = "#event.id")} against a call's arguments; each expression parsed once. */
final class MethodKeys {

  private final SpelExpressionParser parser = new SpelExpressionParser();
  private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();
  private final ConcurrentMap<String, Expression> expressions = new ConcurrentHashMap<>();

  /** @throws org.springframework.expression.ParseException when the expression does not parse */
  static void parse(String expression) {
    new SpelExpressionParser().parseExpression(expression);
  }

  /**
   * @throws IllegalArgumentException when the expression does not parse, fails, or gives null or an empty key
   */
  String key(String expression, Method method, Object[] arguments, Object target) {
    Object value;
    try {
      Expression parsed = expressions.computeIfAbsent(expression, parser::parseExpression);
      value = parsed.getValue(new MethodBasedEvaluationContext(target, method, arguments, parameterNames));
    } catch (ExpressionException e) {
      throw new IllegalArgumentException("@Idempotent(key = \"" + expression + "\") on " + method.getName()
          + " cannot be evaluated: " + e.getMessage(), e);
    }
    if (value == null || value.toString().isEmpty()) {
      throw new IllegalArgumentException("@Idempotent(key = \"" + expression + "\") on " + method.getName()
          + " gave " + (value == null ? "null" : "an empty key") + "; every call needs a key");
    }
    return value.toString();
  }
}
