package io.idem.spring.method;

import java.lang.reflect.Method;
import tools.jackson.databind.json.JsonMapper;

/** JSON through Jackson 3 (Spring Boot 4's mapper). */
public final class Jackson3ResultCodec implements MethodResultCodec {

  private final JsonMapper mapper;

  public Jackson3ResultCodec(JsonMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public byte[] encode(Object value, Method method) {
    return mapper.writeValueAsBytes(value);
  }

  @Override
  public Object decode(byte[] bytes, Method method) {
    return mapper.readValue(bytes, mapper.getTypeFactory().constructType(method.getGenericReturnType()));
  }
}
