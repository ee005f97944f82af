package io.idem.spring.it.app;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A handler that flushes its answer and goes on running a little, as MVC's message converters leave it. */
@RestController
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class ServletOnlyController {

  private final Counters counters;
  private final CountDownLatch never = new CountDownLatch(1);

  public ServletOnlyController(Counters counters) {
    this.counters = counters;
  }

  @PostMapping("/flushed-failure/{name}")
  public void flushedFailure(@PathVariable("name") String name, HttpServletResponse response)
      throws IOException, InterruptedException {
    counters.ran(name);
    response.setStatus(500);
    response.setContentLength(6); // complete once flushed, as MVC's converters send bodies
    response.getOutputStream().write("failed".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    response.flushBuffer();
    never.await(2, TimeUnit.SECONDS); // still running after the flush: a client that has the answer retries now
  }
}
