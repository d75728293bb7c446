package dev.interpose.proxy.outcome;

import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.stream.Usage;

/**
 * Everything known about one finished exchange: what the access log line and the metrics are made of.
 * Never holds a body or a credential.
 *
 * @param headMillis  from the request written upstream to the response head, -1 when none came
 * @param cache       {@code hit}, {@code collapsed} or {@code miss} when the response cache was consulted, else null
 * @param sessionTitle the session's title a hook gave ({@code sessionTitle}), or null
 */
public record ExchangeRecord(
        String requestId,
        String client,
        String route,
        String upstream,
        String method,
        String path,
        String model,
        String clientModel,
        boolean stream,
        int status,
        Outcome outcome,
        ErrorKind error,
        String errorMessage,
        double headMillis,
        double durationMillis,
        long bytesIn,
        long bytesOut,
        Usage usage,
        String upstreamRequestId,
        String cache,
        String translatedTo,
        String sessionTitle) {
    public ExchangeRecord(String requestId, String client, String route, String upstream, String method, String path,
            String model, String clientModel, boolean stream, int status, Outcome outcome, ErrorKind error,
            String errorMessage, double headMillis, double durationMillis, long bytesIn, long bytesOut, Usage usage,
            String upstreamRequestId, String cache, String translatedTo) {
        this(requestId, client, route, upstream, method, path, model, clientModel, stream, status, outcome, error,
                errorMessage, headMillis, durationMillis, bytesIn, bytesOut, usage, upstreamRequestId, cache,
                translatedTo, null);
    }

    /** The same record, with the session title a hook gave. */
    public ExchangeRecord withSessionTitle(String title) {
        return new ExchangeRecord(requestId, client, route, upstream, method, path, model, clientModel, stream, status,
                outcome, error, errorMessage, headMillis, durationMillis, bytesIn, bytesOut, usage, upstreamRequestId,
                cache, translatedTo, title);
    }

    /** A record of an exchange not translated for its upstream ({@code translatedTo}: the upstream's API, or null). */
    public ExchangeRecord(String requestId, String client, String route, String upstream, String method, String path,
            String model, String clientModel, boolean stream, int status, Outcome outcome, ErrorKind error,
            String errorMessage, double headMillis, double durationMillis, long bytesIn, long bytesOut, Usage usage,
            String upstreamRequestId, String cache) {
        this(requestId, client, route, upstream, method, path, model, clientModel, stream, status, outcome, error,
                errorMessage, headMillis, durationMillis, bytesIn, bytesOut, usage, upstreamRequestId, cache, null);
    }

    /** A record of an exchange the cache had no part in. */
    public ExchangeRecord(String requestId, String client, String route, String upstream, String method, String path,
            String model, String clientModel, boolean stream, int status, Outcome outcome, ErrorKind error,
            String errorMessage, double headMillis, double durationMillis, long bytesIn, long bytesOut, Usage usage,
            String upstreamRequestId) {
        this(requestId, client, route, upstream, method, path, model, clientModel, stream, status, outcome, error,
                errorMessage, headMillis, durationMillis, bytesIn, bytesOut, usage, upstreamRequestId, null);
    }
}
