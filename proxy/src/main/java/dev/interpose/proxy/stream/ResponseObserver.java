package dev.interpose.proxy.stream;

import dev.interpose.proxy.body.ContentCodings;
import dev.interpose.proxy.body.HeapBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;

/**
 * Watches a response body go by for the usage it reports, without touching it: server-sent events are
 * decoded incrementally, a JSON body is copied (up to a cap) and read at the end, anything else is
 * ignored. One per exchange, on its event loop; the buffers it is shown are only read.
 */
public final class ResponseObserver {
    /** Largest non-streaming JSON body copied to read its usage. */
    static final int MAX_JSON_BYTES = 4 * 1024 * 1024;
    /** Largest single SSE event whose data is kept (a Responses API {@code response.completed} is big). */
    static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;


    private final boolean streaming;
    private final UsageReader usage = new UsageReader();
    private final SseDecoder sse;
    private final String jsonEncoding;
    /** The JSON body copied so far (nothing is allocated before its first bytes), or null when not copied. */
    private HeapBytes json;

    private ResponseObserver(boolean streaming, boolean decodeSse, String jsonEncoding) {
        this.streaming = streaming;
        this.sse = decodeSse ? new SseDecoder(usage, MAX_EVENT_BYTES) : null;
        this.jsonEncoding = jsonEncoding;
        this.json = jsonEncoding != null ? new HeapBytes(0) : null;
    }

    /** The observer for a response with these headers. */
    public static ResponseObserver forResponse(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
        String encoding = headers.get(HttpHeaderNames.CONTENT_ENCODING);
        boolean identity = encoding == null || encoding.equalsIgnoreCase("identity");
        if (type.startsWith("text/event-stream")) {
            return new ResponseObserver(true, identity, null);
        }
        if (type.startsWith("application/json") && ContentCodings.supported(encoding)) {
            return new ResponseObserver(false, false, identity ? "identity" : encoding);
        }
        return new ResponseObserver(false, false, null);
    }

    /** Whether the response is a server-sent-events stream. */
    public boolean streaming() {
        return streaming;
    }

    /** Looks at the readable bytes of one body chunk; the buffer is left as it is. */
    public void observe(ByteBuf chunk) {
        if (sse != null) {
            sse.feed(chunk);
        } else if (json != null && !json.appendWithin(chunk, MAX_JSON_BYTES)) {
            json = null; // too big to be worth reading for a usage line
        }
    }

    /** The body ended cleanly: read what was collected. */
    public void finish() {
        if (json == null || json.length() == 0) {
            return;
        }
        try {
            boolean identity = "identity".equals(jsonEncoding);
            byte[] body = identity ? json.array()
                    : ContentCodings.decode(Unpooled.wrappedBuffer(json.array(), 0, json.length()), jsonEncoding,
                            MAX_JSON_BYTES);
            usage.onBody(body, identity ? json.length() : body.length);
        } catch (RuntimeException e) {
            // a body that is not what its headers say has no usage to report
        }
        json = null;
    }

    /** Whether a stream's final event was seen. */
    public boolean sawFinalEvent() {
        return usage.finished();
    }

    /** Whether a stream ended with its successful final event, so that its transcript is complete. */
    public boolean endedCleanly() {
        return usage.completed();
    }

    public Usage usage() {
        return usage.usage();
    }
}
