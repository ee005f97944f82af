package io.idem.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** A servlet whose behaviour a test supplies, counting how often it runs. */
final class TestServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @FunctionalInterface
  interface Handler {
    void handle(HttpServletRequest request, HttpServletResponse response, int run) throws Exception;
  }

  private final transient Handler handler;
  private final AtomicInteger runs = new AtomicInteger();

  TestServlet(Handler handler) {
    this.handler = handler;
  }

  int runs() {
    return runs.get();
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    try {
      handler.handle(request, response, runs.incrementAndGet());
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
