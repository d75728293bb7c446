/**
 * The client side: the pipeline of each accepted connection (the slow-client timer, the check that a client of
 * this machine is the proxy's own user, HTTP/1.1 codec, the front-door checks of each head, request aggregation
 * with limits, the client handler), the endpoints the proxy answers itself ({@code /health}, {@code /metrics}),
 * and the {@link dev.interpose.proxy.client.ServerContext} every connection shares: the current configuration
 * snapshot, whether the server is draining, and the count of requests in flight a drain waits for. Handlers run
 * on their channel's event loop; the client handler dispatches each request, in order, to a
 * {@link dev.interpose.proxy.request.RequestFlow} (its stages up to its
 * {@link dev.interpose.proxy.exchange.Exchange}); owner lookups run on a small executor of their own.
 */
package dev.interpose.proxy.client;
