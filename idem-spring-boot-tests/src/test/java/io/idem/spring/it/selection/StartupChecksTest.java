package io.idem.spring.it.selection;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.idem.spring.Idempotent;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A bad @Idempotent stops the application at start-up, naming the method, instead of failing its first call. */
class StartupChecksTest {

  @Test
  void aBeanMethodWithAKeyThatDoesNotParseStopsTheApplication() {
    assertThatThrownBy(() -> SelectionApp.run(new Class<?>[] {BadListenerConfig.class}, SelectionApp.NO_REDIS,
        "idem.store=memory:").close())
        .hasStackTraceContaining("@Idempotent on")
        .hasStackTraceContaining("onEvent");
  }

  @Test
  void aHandlerWithALeaseThatIsNoDurationStopsTheApplication() {
    assertThatThrownBy(() -> new SpringApplicationBuilder(SelectionApp.class, BadHandler.class)
        .web(WebApplicationType.SERVLET).logStartupInfo(false)
        .properties("server.port=0", SelectionApp.NO_REDIS, "idem.store=memory:").run().close())
        .hasStackTraceContaining("@Idempotent on")
        .hasStackTraceContaining("lease = \"soon\"");
  }

  @Configuration(proxyBeanMethods = false)
  static class BadListenerConfig {
    @Bean
    BadListener badListener() {
      return new BadListener();
    }
  }

  static class BadListener {
    @Idempotent(key = "#event.")
    public String onEvent(String event) {
      return event;
    }
  }

  @RestController
  static class BadHandler {
    @Idempotent(lease = "soon")
    @PostMapping("/bad")
    public String bad() {
      return "never";
    }
  }
}
