package io.idem.spring.method;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;

/** JSON through Jackson 2 (Spring Boot 3's mapper). */
public final class Jackson2ResultCodec implements MethodResultCodec {

  private final ObjectMapper mapper;

  public Jackson2ResultCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public byte[] encode(Object value, Method method) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the result of " + method + " as JSON", e);
    }
  }

  @Override
  public Object decode(byte[] bytes, Method method) {
    try {
      return mapper.readValue(bytes, mapper.getTypeFactory().constructType(method.getGenericReturnType()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stored result of " + method + " from JSON", e);
    }
  }
}
