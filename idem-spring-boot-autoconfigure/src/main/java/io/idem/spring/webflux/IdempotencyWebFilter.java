package io.idem.spring.webflux;

import io.idem.http.HttpAttempt;
import io.idem.http.HttpDecision;
import io.idem.http.HttpIdempotency;
import io.idem.http.StoredResponse;
import io.idem.http.StoredResponse.Header;
import io.idem.spring.Idempotent;
import io.idem.spring.web.HandlerAnnotations;
import io.idem.spring.web.IdempotentRoutes;
import java.security.Principal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Idem for Spring WebFlux, on the engine's asynchronous path: no thread waits for the store. A
 * covered request with a key has its body read first (the fingerprint needs it), then
 * {@link HttpIdempotency#beginAsync} decides; an executed handler's response is collected and
 * {@link HttpAttempt#finishAsync finished} before it is written, so a retry that follows the answer
 * finds it stored. Ordered after Spring Security's WebFilter, so the tenant is the principal.
 */
public final class IdempotencyWebFilter implements WebFilter, Ordered {

  private final IdempotentRoutes routes;
  private final Supplier<List<RequestMappingHandlerMapping>> mappings;
  private final int order;

  public IdempotencyWebFilter(IdempotentRoutes routes, Supplier<List<RequestMappingHandlerMapping>> mappings,
      int order) {
    this.routes = routes;
    this.mappings = mappings;
    this.order = order;
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    return handlerAnnotation(exchange)
        .map(Optional::of).defaultIfEmpty(Optional.empty())
        .flatMap(annotation -> {
          String method = exchange.getRequest().getMethod().name();
          HttpIdempotency http = routes.forHandler(annotation.orElse(null), method);
          if (http == null || !http.config().methods().contains(method.toUpperCase(Locale.ROOT))) {
            return chain.filter(exchange);
          }
          return exchange.getPrincipal().map(Principal::getName).map(Optional::of).defaultIfEmpty(Optional.empty())
              .flatMap(principal -> admit(http, exchange, chain, principal));
        });
  }

  private Mono<Void> admit(HttpIdempotency http, ServerWebExchange exchange, WebFilterChain chain,
      Optional<String> principal) {
    boolean hasKey = !ExchangeRequestView.headerValues(exchange.getRequest().getHeaders(),
        http.config().headerName()).isEmpty();
    int limit = http.config().maxRequestBodyBytes();
    Mono<ReadBody> body = hasKey ? readBody(exchange, limit) : Mono.just(new ReadBody(new byte[0]));
    return body.flatMap(read -> Mono.fromCompletionStage(
            http.beginAsync(new ExchangeRequestView(exchange.getRequest(), principal, read.bytes(), limit)))
        .flatMap(decision -> act(decision, read.bytes() == null || !hasKey ? exchange : withBody(exchange, read.bytes()),
            chain)));
  }

  /** The request body as read; null bytes when it was over the limit. */
  private record ReadBody(byte[] bytes) {}

  private Mono<Void> act(HttpDecision decision, ServerWebExchange exchange, WebFilterChain chain) {
    if (decision instanceof HttpDecision.Respond respond) {
      return send(exchange.getResponse(), respond.response());
    }
    if (decision instanceof HttpDecision.Execute execute) {
      return execute(execute.attempt(), exchange, chain);
    }
    return chain.filter(exchange);
  }

  private static Mono<Void> execute(HttpAttempt attempt, ServerWebExchange exchange, WebFilterChain chain) {
    FinishingResponse response = new FinishingResponse(exchange.getResponse(), attempt);
    return chain.filter(exchange.mutate().response(response).build())
        .onErrorResume(failure -> Mono.fromCompletionStage(attempt.failAsync(failure)).then(Mono.error(failure)))
        .then(Mono.defer(response::finishIfUnwritten));
  }

  private static Mono<ReadBody> readBody(ServerWebExchange exchange, int limit) {
    return DataBufferUtils.join(exchange.getRequest().getBody(), limit)
        .map(buffer -> {
          byte[] bytes = new byte[buffer.readableByteCount()];
          buffer.read(bytes);
          DataBufferUtils.release(buffer);
          return new ReadBody(bytes);
        })
        .defaultIfEmpty(new ReadBody(new byte[0]))
        .onErrorResume(DataBufferLimitException.class, tooLarge -> Mono.just(new ReadBody(null)));
  }

  /** The exchange with its body, already read for the fingerprint, readable again by the handler. */
  private static ServerWebExchange withBody(ServerWebExchange exchange, byte[] body) {
    ServerHttpRequestDecorator request = new ServerHttpRequestDecorator(exchange.getRequest()) {
      @Override
      public Flux<DataBuffer> getBody() {
        return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
      }
    };
    return exchange.mutate().request(request).build();
  }

  static Mono<Void> send(ServerHttpResponse response, StoredResponse answer) {
    response.setStatusCode(HttpStatusCode.valueOf(answer.status()));
    Set<String> seen = new HashSet<>();
    for (Header header : answer.headers()) {
      // The first value replaces what the server set by default, so a replay does not repeat it.
      if (seen.add(header.name().toLowerCase(Locale.ROOT))) {
        response.getHeaders().set(header.name(), header.value());
      } else {
        response.getHeaders().add(header.name(), header.value());
      }
    }
    response.getHeaders().setContentLength(answer.body().length);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(answer.body())));
  }

  private Mono<Idempotent> handlerAnnotation(ServerWebExchange exchange) {
    return Flux.defer(() -> Flux.fromIterable(mappings.get()))
        .concatMap(mapping -> mapping.getHandler(exchange).onErrorResume(e -> Mono.empty()))
        .next()
        .flatMap(handler -> handler instanceof HandlerMethod method ? Mono.justOrEmpty(HandlerAnnotations.of(method))
            : Mono.empty());
  }
}
