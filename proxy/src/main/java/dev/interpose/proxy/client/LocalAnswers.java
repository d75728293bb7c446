package dev.interpose.proxy.client;

import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.outcome.ExchangeRecord;
import dev.interpose.proxy.exchange.Result;
import dev.interpose.proxy.route.ClientKind;
import dev.interpose.proxy.route.Router;
import dev.interpose.proxy.stream.Usage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The proxy's own error answers to requests that never reach an exchange (malformed, refused, oversized,
 * unroutable, timed out), each logged and counted as one {@link Result}, and how a request line reads for
 * the log. Stateless apart from the server's context; any thread.
 */
final class LocalAnswers {
    private final ServerContext server;

    LocalAnswers(ServerContext server) {
        this.server = server;
    }

    /** The error answer to {@code request}, logged and counted. */
    FullHttpResponse error(HttpRequest request, ApiDialect dialect, ErrorKind kind, String message, String requestId,
            long start, boolean keepAlive) {
        record(request.method().name(), pathOf(originForm(request.uri())), requestId, Result.failed(kind, message),
                start, request.headers().get(HttpHeaderNames.USER_AGENT));
        return ProxyResponses.error(dialect, kind, message, requestId, keepAlive);
    }

    /** The 413 answer for an oversized request, in its dialect; logged and counted. */
    FullHttpResponse tooLarge(HttpRequest request, int maxBytes, boolean keepAlive) {
        return error(request, ApiDialect.errorsOf(Router.guessDialect(request.headers())), ErrorKind.BODY_TOO_LARGE,
                "request body exceeds " + maxBytes + " bytes", RequestIds.next(), System.nanoTime(), keepAlive);
    }

    /** The 408 when part of a request came and the rest did not in time; logged and counted. */
    FullHttpResponse timedOut() {
        String requestId = RequestIds.next();
        String message = "the request did not arrive within " + server.snapshot().config().listener().requestTimeout()
                .toMillis() + " ms";
        record("-", "-", requestId, Result.failed(ErrorKind.REQUEST_TIMEOUT, message), System.nanoTime(), null);
        return ProxyResponses.error(ApiDialect.RESPONSES, ErrorKind.REQUEST_TIMEOUT, message, requestId, false);
    }

    private void record(String method, String path, String requestId, Result result, long start, String userAgent) {
        ExchangeRecord record = new ExchangeRecord(requestId, ClientKind.of(userAgent, null).label(), "none", "none",
                method, path, null, null, false, result.kind().status(), result.outcome(), result.kind(),
                result.message(), -1, (System.nanoTime() - start) / 1e6, 0, 0, Usage.NONE, null);
        server.snapshot().exchanges().recordLocal(record);
    }

    /** The dialect of the client's own error shape: by path for the known APIs, else guessed from the headers. */
    static ApiDialect dialectOf(String path, HttpHeaders headers) {
        ApiDialect api = ApiDialect.forPath(path);
        if (api != null) {
            return api;
        }
        if (path.startsWith("/v1/messages")) {
            return ApiDialect.MESSAGES;
        }
        if (path.startsWith("/v1/responses") || path.startsWith("/v1/chat/") || path.startsWith("/backend-api/")) {
            return ApiDialect.RESPONSES;
        }
        return ApiDialect.errorsOf(Router.guessDialect(headers));
    }

    /** The path without the query: what the access log records (a query may carry a key). */
    static String pathOf(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** The path and query of a request line, also when a client sent the absolute form. */
    static String originForm(String uri) {
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            int slash = uri.indexOf('/', uri.indexOf("//") + 2);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }
}
