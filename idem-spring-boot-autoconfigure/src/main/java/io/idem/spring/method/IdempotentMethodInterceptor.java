package io.idem.spring.method;

import io.idem.Fingerprint;
import io.idem.Idempotency;
import io.idem.IdempotencyKey;
import io.idem.Outcome;
import io.idem.ResultCodec;
import io.idem.WorkFailedException;
import io.idem.spring.DuplicateInProgressException;
import io.idem.spring.Idempotent;
import io.idem.spring.internal.IdempotentSettings;
import java.lang.reflect.Method;
import java.time.Duration;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Runs an {@link Idempotent} bean method through the engine: at most once per key, its return value
 * kept and returned to later calls. The engine decides everything (waiting, failure policy, replay);
 * this class only evaluates the key and translates the outcome.
 */
public final class IdempotentMethodInterceptor implements MethodInterceptor {

  /** The namespace's length limit, for the default namespace taken from the class and method names. */
  private static final int MAX_NAMESPACE = IdempotencyKey.MAX_NAMESPACE_LENGTH;

  private final IdempotentSettings settings;
  private final MethodResultCodec codec;
  private final Duration waitForInProgress;
  private final MethodKeys keys = new MethodKeys();

  public IdempotentMethodInterceptor(IdempotentSettings settings, MethodResultCodec codec, Duration waitForInProgress) {
    this.settings = settings;
    this.codec = codec;
    this.waitForInProgress = waitForInProgress;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Class<?> targetClass = invocation.getThis() == null ? invocation.getMethod().getDeclaringClass()
        : AopUtils.getTargetClass(invocation.getThis());
    Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
    Idempotent annotation = AnnotatedElementUtils.findMergedAnnotation(method, Idempotent.class);
    if (annotation == null || annotation.key().isEmpty()) {
      return invocation.proceed();
    }
    IdempotencyKey key = IdempotencyKey.of(namespace(annotation, targetClass, method),
        keys.key(annotation.key(), method, invocation.getArguments(), invocation.getThis()));
    Idempotency engine = settings.engineFor(annotation, waitForInProgress);
    Outcome<Object> outcome;
    try {
      outcome = engine.execute(key, Fingerprint.EMPTY, () -> proceed(invocation), codecFor(method));
    } catch (WorkFailedException e) {
      throw e.getCause() instanceof ProceedFailure failure ? failure.getCause() : e.getCause();
    }
    if (outcome instanceof Outcome.InProgress) {
      throw new DuplicateInProgressException(key);
    }
    return outcome.orElseThrow();
  }

  /**
   * Checks an annotation when its bean is created: the key parses, the durations (without
   * placeholders) parse.
   *
   * @throws IllegalStateException naming the method and what is wrong
   */
  public static void check(Idempotent annotation, Method method) {
    try {
      MethodKeys.parse(annotation.key());
      for (String duration : new String[] {annotation.lease(), annotation.retention()}) {
        if (!duration.isEmpty() && !duration.contains("${")) {
          DurationStyle.detectAndParse(duration.trim());
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("@Idempotent on " + method + ": " + e.getMessage(), e);
    }
  }

  private String namespace(Idempotent annotation, Class<?> targetClass, Method method) {
    String configured = settings.resolve(annotation.namespace());
    if (!configured.isEmpty()) {
      return configured;
    }
    String derived = targetClass.getSimpleName() + "." + method.getName();
    return derived.length() <= MAX_NAMESPACE ? derived : derived.substring(derived.length() - MAX_NAMESPACE);
  }

  private ResultCodec<Object> codecFor(Method method) {
    boolean isVoid = method.getReturnType() == void.class || method.getReturnType() == Void.class;
    return new ResultCodec<>() {
      @Override
      public byte[] encode(Object value) {
        return isVoid ? new byte[0] : codec.encode(value, method);
      }

      @Override
      public Object decode(byte[] bytes) {
        return isVoid ? null : codec.decode(bytes, method);
      }
    };
  }

  /** Work throws Exception; a method may throw any Throwable, which is carried out and rethrown as it was. */
  private static Object proceed(MethodInvocation invocation) throws Exception {
    try {
      return invocation.proceed();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable other) {
      throw new ProceedFailure(other);
    }
  }

  private static final class ProceedFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ProceedFailure(Throwable cause) {
      super(cause);
    }
  }
}
