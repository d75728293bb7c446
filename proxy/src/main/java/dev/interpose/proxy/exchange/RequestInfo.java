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
 * @param sessionTitle the session's title a hook gave ({@code sessionTitle}), for the access log; or null
 * @param systemMessages what the request's hooks said for the person ({@code systemMessage}), shown before the answer
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
        long startNanos,
        String sessionTitle,
        java.util.List<String> systemMessages) {
    public RequestInfo {
        systemMessages = systemMessages == null ? java.util.List.of() : java.util.List.copyOf(systemMessages);
    }

    public RequestInfo(String requestId, ClientKind client, Route route, String method, String path, String uri,
            String model, String clientModel, long bytesIn, boolean keepAlive, boolean http11, long startNanos) {
        this(requestId, client, route, method, path, uri, model, clientModel, bytesIn, keepAlive, http11, startNanos,
                null, null);
    }

    /** The same request, with the session title and the messages for the person its hooks gave. */
    public RequestInfo withHookNotes(String title, java.util.List<String> messages) {
        return new RequestInfo(requestId, client, route, method, path, uri, model, clientModel, bytesIn, keepAlive,
                http11, startNanos, title, messages);
    }

    /** The API the request speaks, whose shapes its answers and errors take. */
    public ApiDialect dialect() {
        return ApiDialect.of(path, route.dialect());
    }

    /**
     * The API the request's upstream speaks for it ({@link ApiDialect#spokenBy}), or null when the request is no
     * model call ({@code /v1/models}, {@code count_tokens}): then only the upstream's family is known.
     */
    public ApiDialect upstreamDialect() {
        return ApiDialect.forPath(path) == null ? null : ApiDialect.spokenBy(route.upstream().dialect(), dialect());
    }

    /**
     * Whether the request would have to be translated for its upstream: a model call whose upstream speaks
     * another API. Other calls ({@code /v1/models}, {@code count_tokens}) carry no body the proxy reads; they go as
     * they are, under the same credential rules.
     */
    public boolean needsTranslation() {
        ApiDialect upstream = upstreamDialect();
        return upstream != null && !upstream.readsAs(dialect());
    }

    /** The same request sent to another path of its upstream (a translated one goes to its API's own). */
    public RequestInfo withUri(String upstreamUri) {
        return new RequestInfo(requestId, client, route, method, path, upstreamUri, model, clientModel, bytesIn,
                keepAlive, http11, startNanos, sessionTitle, systemMessages);
    }

    /** What the upstream speaks, as the config and the messages name it: {@code openai-chat}, {@code anthropic}. */
    public String upstreamDialectName() {
        ApiDialect upstream = upstreamDialect();
        return upstream != null ? upstream.configDialect().configName() : route.upstream().dialect().configName();
    }
}
