package io.idem.spring.method;

import java.lang.reflect.Method;

/**
 * How an {@link io.idem.spring.Idempotent} method's return value is kept and given back. The default
 * writes JSON with the application's Jackson mapper, read back as the method's declared return type;
 * declare a bean of this type to choose another form.
 */
public interface MethodResultCodec {

  byte[] encode(Object value, Method method);

  Object decode(byte[] bytes, Method method);
}
