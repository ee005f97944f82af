package io.idem.examples.payments;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The payments API of the Idem demo on Spring Boot, with Idem from the starter alone:
 * {@code java -jar spring-boot-payments.jar --server.port=8080 --idem.store=memory: --idem.lease=60s --idem.retention=24h}.
 * The handlers know nothing about idempotency; {@code application.properties} requires the key on
 * {@code /payments}.
 *
 * <p>The payment code repeats idem-demo's on purpose: an example is read and copied on its own, without
 * the demo's Jetty. {@code SameAnswersAsTheDemoIT} keeps the two answering alike.
 */
@SpringBootApplication
public class PaymentsApplication {

  public static void main(String[] args) {
    SpringApplication.run(PaymentsApplication.class, args);
  }
}
