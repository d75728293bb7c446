package dev.interpose.proxy.request;

import dev.interpose.proxy.dialect.ApiDialect;

/**
 * What is known of a request the moment it is taken off its connection's queue.
 *
 * @param uri        path and query, in origin form
 * @param path       the path without the query, safe to log
 * @param guess      the dialect of the client's own error shape, guessed before routing
 * @param startNanos when the request was taken up
 */
public record Arrival(String requestId, long startNanos, boolean keepAlive, String uri, String path, ApiDialect guess) {
}
