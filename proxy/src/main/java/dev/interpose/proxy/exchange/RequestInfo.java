package dev.interpose.proxy.exchange;

import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.route.ClientKind;
import dev.interpose.proxy.route.Route;

/**
 * What the proxy knows of a request before forwarding it.
 *
 * @param path        the path without the query, safe to log
 * @param uri         path and query as received, forwarded upstream after the upstream's base path
 * @param model       the {@code model} of the JSON body as sent upstream, or null
 * @param clientModel the model the client asked for when a route rewrote it, else null
 * @param bytesIn     request body bytes as received (before any decoding)
 * @param keepAlive   whether the client wants the connection kept open
 * @param http11      whether the client spoke HTTP/1.1 (chunked responses allowed)
 * @param startNanos  when the request was received whole
 */
public record RequestInfo(
        String requestId,
        ClientKind client,
        Route route,
        String method,
        String path,
        String uri,
        String model,
        String clientModel,
        long bytesIn,
        boolean keepAlive,
        boolean http11,
        long startNanos) {
    /** The API the request speaks, whose shapes its answers and errors take. */
    public ApiDialect dialect() {
        return ApiDialect.of(path, route.dialect());
    }
}
