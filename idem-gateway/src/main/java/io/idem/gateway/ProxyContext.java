package io.idem.gateway;

import io.idem.http.HttpIdempotency;
import io.idem.jetty.ServerLimits;
import java.time.Duration;

/**
 * What every client connection of the proxy port shares: the HTTP semantics, the routes, the upstream
 * connections, the meters, the limits and the two time bounds of an upstream exchange.
 *
 * @param upstreamTimeout how long a client waits for the upstream to begin answering
 * @param exchangeLimit how long a held key waits for the upstream's whole answer
 */
record ProxyContext(HttpIdempotency http, Routes routes, UpstreamPool pool, GatewayMetrics metrics,
    ServerLimits limits, Duration upstreamTimeout, Duration exchangeLimit) {}
