package io.idem.spring.it.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.idem.spring.Idempotent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With {@code idem.methods.wait-for-in-progress}, a duplicate call waits for the first and returns its result. */
class MethodWaitTest {

  @Test
  void aDuplicateCallWaitsForTheRunningOneAndGetsItsResult() throws Exception {
    try (ConfigurableApplicationContext app = SelectionApp.run(new Class<?>[] {Jobs.class},
        SelectionApp.NO_REDIS, "idem.store=memory:", "idem.methods.wait-for-in-progress=30s")) {
      Job job = app.getBean(Job.class);
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> job.run("nightly-42"));
      assertThat(job.started().await(20, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<String> duplicate = CompletableFuture.supplyAsync(() -> job.run("nightly-42"));

      job.release().countDown();

      assertThat(duplicate.get(30, TimeUnit.SECONDS)).isEqualTo(first.get(30, TimeUnit.SECONDS)).isEqualTo("report 1");
      assertThat(job.runs()).isEqualTo(1);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Jobs {
    @Bean
    Job job() {
      return new Job();
    }
  }

  static class Job {
    final AtomicInteger runs = new AtomicInteger();
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    // The test reaches these through the proxy, which has no state of its own.
    public CountDownLatch started() {
      return started;
    }

    public CountDownLatch release() {
      return release;
    }

    public int runs() {
      return runs.get();
    }

    @Idempotent(key = "#jobId")
    public String run(String jobId) {
      int run = runs.incrementAndGet();
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "report " + run;
    }
  }
}
