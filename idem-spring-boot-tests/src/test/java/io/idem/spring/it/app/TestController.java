package io.idem.spring.it.app;

import io.idem.spring.Idempotent;
import java.security.Principal;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Handlers that count their runs, written so that MVC and WebFlux both serve them. */
@RestController
public class TestController {

  private final Counters counters;

  public TestController(Counters counters) {
    this.counters = counters;
  }

  @PostMapping(path = "/orders/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<String> create(@PathVariable String name, @RequestBody(required = false) String body,
      Principal principal) {
    int run = counters.ran(name);
    String owner = principal == null ? "" : principal.getName();
    return ResponseEntity.status(201).header("X-Run", Integer.toString(run))
        .body("{\"order\":\"" + name + "\",\"run\":" + run + ",\"owner\":\"" + owner + "\"}");
  }

  @GetMapping(path = "/orders/{name}")
  public String runs(@PathVariable String name) {
    return Integer.toString(counters.runs(name));
  }

  @PostMapping("/fail/{name}")
  public ResponseEntity<String> fail(@PathVariable String name) {
    counters.ran(name);
    return ResponseEntity.status(500).body("failed");
  }

  /** Holds its request until the test releases it; off the event loop, so WebFlux keeps serving. */
  @PostMapping("/slow/{name}")
  public Mono<String> slow(@PathVariable String name) {
    return Mono.fromCallable(() -> {
      counters.ran(name);
      counters.awaitRelease();
      return "slow " + name;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  @PostMapping("/required/{name}")
  public String requiredByPath(@PathVariable String name) {
    return "ran " + counters.ran(name);
  }

  @Idempotent(required = true)
  @PostMapping("/annotated/required/{name}")
  public String annotatedRequired(@PathVariable String name) {
    return "ran " + counters.ran(name);
  }

  @Idempotent
  @PutMapping("/annotated/put/{name}")
  public String put(@PathVariable String name) {
    return "ran " + counters.ran(name);
  }

  @Idempotent(namespace = "${test.orders-namespace:orders}")
  @PostMapping("/annotated/namespace/{name}")
  public String namespaced(@PathVariable String name) {
    return "ran " + counters.ran(name);
  }

  @Idempotent(lease = "1s", retention = "2s")
  @PostMapping("/annotated/short/{name}")
  public String shortLived(@PathVariable String name) {
    return "ran " + counters.ran(name);
  }
}
