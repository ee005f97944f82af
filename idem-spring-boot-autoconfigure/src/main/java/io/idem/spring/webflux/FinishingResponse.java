package io.idem.spring.webflux;

import io.idem.http.HttpAttempt;
import io.idem.http.StoredResponse.Header;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The response of an executed handler: its body is collected, the attempt finished with it, and only
 * then is it written, so that the stored response exists before the client can retry (decision
 * 0602). A streamed body is collected too: WebFlux handlers that stream should not be covered.
 */
final class FinishingResponse extends ServerHttpResponseDecorator {

  private final HttpAttempt attempt;

  FinishingResponse(ServerHttpResponse delegate, HttpAttempt attempt) {
    super(delegate);
    this.attempt = attempt;
  }

  @Override
  public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
    return DataBufferUtils.join(Flux.from(body))
        .map(FinishingResponse::bytes)
        .defaultIfEmpty(new byte[0])
        .flatMap(bytes -> finish(bytes).then(super.writeWith(Mono.just(bufferFactory().wrap(bytes)))));
  }

  @Override
  public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
    return writeWith(Flux.from(body).concatMap(part -> part));
  }

  @Override
  public Mono<Void> setComplete() {
    return finish(new byte[0]).then(super.setComplete());
  }

  /** For a handler that completed without writing a body; nothing when the attempt is already finished. */
  Mono<Void> finishIfUnwritten() {
    return finish(new byte[0]);
  }

  private Mono<Void> finish(byte[] body) {
    HttpStatusCode status = getStatusCode();
    List<Header> headers = new ArrayList<>();
    getHeaders().forEach((name, values) -> values.forEach(value -> headers.add(new Header(name, value))));
    int max = attempt.maxStoredResponseBytes();
    boolean complete = body.length <= max;
    return Mono.fromCompletionStage(() -> attempt.finishAsync(status == null ? 200 : status.value(), headers,
        complete ? body : Arrays.copyOf(body, max), complete)).then();
  }

  private static byte[] bytes(DataBuffer buffer) {
    byte[] bytes = new byte[buffer.readableByteCount()];
    buffer.read(bytes);
    DataBufferUtils.release(buffer);
    return bytes;
  }
}
