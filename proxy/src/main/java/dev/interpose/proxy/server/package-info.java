/**
 * The client side: the listening server, the per-connection pipeline (the check that a client of this machine
 * is the proxy's own user, HTTP/1.1 codec, request aggregation with limits, the client handler), the endpoints
 * the proxy answers itself ({@code /health}, {@code /metrics}) and graceful draining. Handlers run on their
 * channel's event loop and hand each request to an {@link dev.interpose.proxy.exchange.Exchange}; owner
 * lookups run on a small executor of their own.
 */
package dev.interpose.proxy.server;
