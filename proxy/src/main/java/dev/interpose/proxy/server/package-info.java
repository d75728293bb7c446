/**
 * The client side: the listening server, the per-connection pipeline (the check that a client of this machine
 * is the proxy's own user, HTTP/1.1 codec, request aggregation with limits, the client handler), the endpoints
 * the proxy answers itself ({@code /health}, {@code /metrics}) and graceful draining, with the count of requests
 * in flight it waits for. Handlers run on their channel's event loop; the client handler dispatches each request,
 * in order, to a {@link dev.interpose.proxy.request.RequestFlow} (its stages up to its
 * {@link dev.interpose.proxy.exchange.Exchange}); owner lookups run on a small executor of their own.
 */
package dev.interpose.proxy.server;
