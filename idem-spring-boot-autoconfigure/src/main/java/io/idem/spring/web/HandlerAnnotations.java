package io.idem.spring.web;

import io.idem.spring.Idempotent;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

/** The {@link Idempotent} that applies to a handler: the method's, else its controller's. */
public final class HandlerAnnotations {

  private HandlerAnnotations() {}

  public static @Nullable Idempotent of(HandlerMethod method) {
    Idempotent onMethod = method.getMethodAnnotation(Idempotent.class);
    return onMethod != null ? onMethod : AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), Idempotent.class);
  }
}
