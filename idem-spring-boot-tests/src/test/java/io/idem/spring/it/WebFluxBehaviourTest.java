package io.idem.spring.it;

import io.idem.spring.it.app.TestApp;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Spring WebFlux on Reactor Netty: the same behaviour table through the WebFilter. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.main.web-application-type=reactive",
    "idem.http.require-key-on-paths=/required"})
@DirtiesContext // the last test stops this application's Redis
class WebFluxBehaviourTest extends HttpBehaviourContract {

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    storeOnOwnRedis(registry);
  }
}
