package dev.interpose.proxy.log;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.outcome.ExchangeRecord;
import dev.interpose.proxy.stream.Usage;
import java.io.IOException;
import net.logstash.logback.marker.LogstashMarker;

/**
 * The fields of one access-log line, carried on its logging event as a marker and written field by field from the
 * {@link ExchangeRecord}: no map, no boxed numbers. {@link JsonLineEncoder} writes them straight into the line's
 * bytes; anything else that reads Logstash markers gets them through Jackson ({@link #writeTo(JsonGenerator)}).
 */
final class AccessFields extends LogstashMarker {
    /** Where the fields go. */
    interface Sink {
        void text(String name, String value) throws IOException;

        void number(String name, long value) throws IOException;

        /** Milliseconds rounded to the microsecond, -1 when unknown. */
        void millis(String name, double value) throws IOException;

        void bool(String name, boolean value) throws IOException;
    }

    private final ExchangeRecord r;

    AccessFields(ExchangeRecord record) {
        super("ACCESS");
        this.r = record;
    }

    /** Writes every field of the record, in the order the access log has always had. */
    void writeTo(Sink out) throws IOException {
        out.text("request_id", r.requestId());
        out.text("client", r.client());
        out.text("route", r.route());
        out.text("upstream", r.upstream());
        out.text("method", r.method());
        out.text("path", r.path());
        out.text("model", r.model());
        if (r.clientModel() != null) {
            out.text("client_model", r.clientModel());
        }
        out.bool("stream", r.stream());
        out.number("status", r.status());
        out.text("outcome", r.outcome().label());
        if (r.error() != null) {
            out.text("error", r.error().code());
            out.text("error_message", r.errorMessage());
        }
        out.millis("head_ms", r.headMillis());
        out.millis("duration_ms", r.durationMillis());
        out.number("bytes_in", r.bytesIn());
        out.number("bytes_out", r.bytesOut());
        Usage u = r.usage();
        if (u != null && u.reported()) {
            numberIfKnown(out, "input_tokens", u.inputTokens());
            numberIfKnown(out, "output_tokens", u.outputTokens());
            numberIfKnown(out, "cache_read_tokens", u.cacheRead());
            numberIfKnown(out, "cache_write_tokens", u.cacheWrite());
        }
        if (r.upstreamRequestId() != null) {
            out.text("upstream_request_id", r.upstreamRequestId());
        }
        if (r.cache() != null) {
            out.text("cache", r.cache());
        }
        if (r.translatedTo() != null) {
            // the client's API, the upstream's, and that the request and its answer were translated between them
            ApiDialect client = ApiDialect.forPath(r.path());
            out.text("dialect", client == null ? null : client.configDialect().configName());
            out.text("upstream_dialect", r.translatedTo());
            out.bool("translated", true);
        }
        if (r.sessionTitle() != null) {
            out.text("session_title", r.sessionTitle()); // a hook's sessionTitle
        }
    }

    private static void numberIfKnown(Sink out, String name, long value) throws IOException {
        if (value >= 0) {
            out.number(name, value);
        }
    }

    /** Milliseconds rounded to three decimals, as the line shows them. */
    static double round(double millis) {
        return millis < 0 ? -1 : Math.round(millis * 1000) / 1000.0;
    }

    @Override
    public void writeTo(JsonGenerator g) throws IOException {
        writeTo(new Sink() {
            @Override
            public void text(String name, String value) throws IOException {
                g.writeStringField(name, value);
            }

            @Override
            public void number(String name, long value) throws IOException {
                g.writeNumberField(name, value);
            }

            @Override
            public void millis(String name, double value) throws IOException {
                g.writeNumberField(name, round(value));
            }

            @Override
            public void bool(String name, boolean value) throws IOException {
                g.writeBooleanField(name, value);
            }
        });
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
