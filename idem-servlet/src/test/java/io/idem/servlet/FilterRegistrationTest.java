package io.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.Idempotency;
import io.idem.memory.MemoryStore;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.Test;

/** The web.xml path: the container creates the filter by class name and configures it from init-params. */
class FilterRegistrationTest {

  @Test
  void filterCreatedByClassNameTakesEngineFromContextAndConfigFromInitParams() throws Exception {
    TestServlet servlet = new TestServlet((request, response, run) -> {
      response.setStatus(201);
      response.getWriter().write("run " + run);
    });
    FilterHolder holder = new FilterHolder(IdempotencyFilter.class);
    holder.setInitParameter("engine-attribute", "my.engine");
    holder.setInitParameter("header-name", "X-Request-Key");
    holder.setInitParameter("methods", "POST, PUT");
    holder.setInitParameter("required-paths", "/orders");
    try (Idempotency engine = Idempotency.create(MemoryStore.create());
        JettyServer jetty = JettyServer.builder().attribute("my.engine", engine).filter(holder)
            .servlet("/*", servlet).start()) {

      HttpResponse<String> first = Http.send(Http.post(jetty.uri("/orders"), null, new byte[] {1})
          .method("PUT", java.net.http.HttpRequest.BodyPublishers.ofString("x")).header("X-Request-Key", "k"));
      HttpResponse<String> retry = Http.send(Http.post(jetty.uri("/orders"), null, new byte[] {1})
          .method("PUT", java.net.http.HttpRequest.BodyPublishers.ofString("x")).header("X-Request-Key", "k"));
      HttpResponse<String> missing = Http.post(jetty.uri("/orders"), null, "x");

      assertThat(first.body()).isEqualTo("run 1");
      assertThat(retry.body()).isEqualTo("run 1");
      assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
      assertThat(missing.statusCode()).isEqualTo(400);
      assertThat(servlet.runs()).isEqualTo(1);
    }
  }

  @Test
  void badInitParamStopsTheFilterNamingParameterAndValue() {
    FilterConfig config = config(Map.of("max-stored-response-bytes", "lots"), Map.of("io.idem.Idempotency",
        Idempotency.create(MemoryStore.create())));

    assertThatThrownBy(() -> new IdempotencyFilter().init(config))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("\"max-stored-response-bytes\" = \"lots\"");
  }

  @Test
  void unknownInitParamStopsTheFilterListingTheKnownOnes() {
    // store-policy was removed: what a failure does is the engine's FailurePolicy now.
    FilterConfig config = config(Map.of("store-policy", "everything"), Map.of("io.idem.Idempotency",
        Idempotency.create(MemoryStore.create())));

    assertThatThrownBy(() -> new IdempotencyFilter().init(config))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("unknown init-param \"store-policy\"").hasMessageContaining("fail-open");
  }

  @Test
  void missingEngineStopsTheFilterSayingWhereToPutIt() {
    FilterConfig config = config(Map.of(), Map.of());

    assertThatThrownBy(() -> new IdempotencyFilter().init(config))
        .isInstanceOf(ServletException.class)
        .hasMessageContaining("servlet context attribute \"io.idem.Idempotency\"");
  }

  private static FilterConfig config(Map<String, String> params, Map<String, Object> attributes) {
    ServletContext context = (ServletContext) java.lang.reflect.Proxy.newProxyInstance(
        FilterRegistrationTest.class.getClassLoader(), new Class<?>[] {ServletContext.class},
        (proxy, method, args) -> method.getName().equals("getAttribute") ? attributes.get((String) args[0]) : null);
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "idem";
      }

      @Override
      public ServletContext getServletContext() {
        return context;
      }

      @Override
      public String getInitParameter(String name) {
        return params.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(params.keySet());
      }
    };
  }
}
