package dev.interpose.proxy.exchange;

import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.stream.Usage;

/**
 * Everything known about one finished exchange: what the access log line and the metrics are made of.
 * Never holds a body or a credential.
 *
 * @param headMillis  from the request written upstream to the response head, -1 when none came
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
        String upstreamRequestId) {
}
