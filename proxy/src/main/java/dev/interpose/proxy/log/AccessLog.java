package dev.interpose.proxy.log;

import dev.interpose.proxy.outcome.ExchangeRecord;
import dev.interpose.proxy.stream.Usage;
import java.util.LinkedHashMap;
import java.util.Map;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the access-log line of an exchange: a human message plus every field of the
 * {@link ExchangeRecord} as JSON fields. Thread-safe.
 */
public final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("interpose.access");

    /** Writes one line for this exchange. */
    public void write(ExchangeRecord r) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>(32);
        fields.put("request_id", r.requestId());
        fields.put("client", r.client());
        fields.put("route", r.route());
        fields.put("upstream", r.upstream());
        fields.put("method", r.method());
        fields.put("path", r.path());
        fields.put("model", r.model());
        if (r.clientModel() != null) {
            fields.put("client_model", r.clientModel());
        }
        fields.put("stream", r.stream());
        fields.put("status", r.status());
        fields.put("outcome", r.outcome().label());
        if (r.error() != null) {
            fields.put("error", r.error().code());
            fields.put("error_message", r.errorMessage());
        }
        fields.put("head_ms", round(r.headMillis()));
        fields.put("duration_ms", round(r.durationMillis()));
        fields.put("bytes_in", r.bytesIn());
        fields.put("bytes_out", r.bytesOut());
        Usage u = r.usage();
        if (u != null && u.reported()) {
            putIfKnown(fields, "input_tokens", u.inputTokens());
            putIfKnown(fields, "output_tokens", u.outputTokens());
            putIfKnown(fields, "cache_read_tokens", u.cacheRead());
            putIfKnown(fields, "cache_write_tokens", u.cacheWrite());
        }
        if (r.upstreamRequestId() != null) {
            fields.put("upstream_request_id", r.upstreamRequestId());
        }
        if (r.cache() != null) {
            fields.put("cache", r.cache());
        }
        if (r.translatedTo() != null) {
            // the client's API, the upstream's, and that the request and its answer were translated between them
            fields.put("dialect", dev.interpose.proxy.dialect.ApiDialect.forPath(r.path()) == null ? null
                    : dev.interpose.proxy.dialect.ApiDialect.forPath(r.path()).configDialect().configName());
            fields.put("upstream_dialect", r.translatedTo());
            fields.put("translated", true);
        }
        // Built here rather than with {} placeholders: SLF4J's formatter was a visible cost per request.
        String message = new StringBuilder(96).append(r.requestId()).append(' ').append(r.method()).append(' ')
                .append(r.path()).append(' ').append(r.status()).append(' ').append(r.outcome().label()).append(' ')
                .append(round(r.durationMillis())).append("ms ").append(r.error() == null ? "" : r.error().code())
                .toString();
        LOG.info(Markers.appendEntries(fields), message);
    }

    private static void putIfKnown(Map<String, Object> fields, String key, long value) {
        if (value >= 0) {
            fields.put(key, value);
        }
    }

    private static double round(double millis) {
        return millis < 0 ? -1 : Math.round(millis * 1000) / 1000.0;
    }
}
