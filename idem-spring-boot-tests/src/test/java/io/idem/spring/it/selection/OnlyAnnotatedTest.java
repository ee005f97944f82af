package io.idem.spring.it.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.spring.Idempotent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** With {@code idem.http.only-annotated}, only handlers annotated @Idempotent (method or class) are covered. */
class OnlyAnnotatedTest {

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void onlyAnnotatedHandlersAreCovered() throws Exception {
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SelectionApp.class, Handlers.class,
        AnnotatedController.class, OpenSecurity.class).web(WebApplicationType.SERVLET).logStartupInfo(false)
        .properties("server.port=0", SelectionApp.NO_REDIS, "idem.store=memory:", "idem.http.only-annotated=true")
        .run()) {
      int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
      Handlers handlers = app.getBean(Handlers.class);

      for (String path : new String[] {"/plain", "/plain", "/annotated", "/annotated", "/class", "/class"}) {
        HttpResponse<String> response = post(port, path);
        assertThat(response.statusCode()).as(path).isLessThan(300);
      }

      assertThat(handlers.plain.get()).as("not annotated: runs every time").isEqualTo(2);
      assertThat(handlers.annotated.get()).as("annotated method").isEqualTo(1);
      assertThat(app.getBean(AnnotatedController.class).runs.get()).as("annotated controller").isEqualTo(1);
    }
  }

  private HttpResponse<String> post(int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Idempotency-Key", "key" + path)
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Spring Security is on the class path; this application lets every request through. */
  @Configuration(proxyBeanMethods = false)
  static class OpenSecurity {
    @Bean
    SecurityFilterChain open(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
          .csrf(csrf -> csrf.disable()).build();
    }
  }

  @RestController
  static class Handlers {
    final AtomicInteger plain = new AtomicInteger();
    final AtomicInteger annotated = new AtomicInteger();

    @PostMapping("/plain")
    public String plain() {
      return "plain " + plain.incrementAndGet();
    }

    @Idempotent
    @PostMapping("/annotated")
    public String annotated() {
      return "annotated " + annotated.incrementAndGet();
    }
  }

  @Idempotent
  @RestController
  static class AnnotatedController {
    final AtomicInteger runs = new AtomicInteger();

    @PostMapping("/class")
    public String run() {
      return "class " + runs.incrementAndGet();
    }
  }
}
