package dev.interpose.proxy.stream;

import dev.interpose.proxy.body.Limits;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.UsageEvents;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Watches an answer's body go by without touching it, for the usage it reports and for whoever else reads
 * it ({@link #reader()}: the response hooks' assembler): one {@link BodyReader}, so a stream is decoded once
 * and a JSON body copied once however many read it. One per exchange, on its event loop; the buffers it is
 * shown are only read.
 */
public final class ResponseObserver {
    private final BodyReader reader;
    private final UsageReader usage;

    private ResponseObserver(HttpHeaders headers, UsageEvents events) {
        reader = new BodyReader(headers);
        usage = new UsageReader(events);
        reader.listen(usage, Limits.USAGE_BODY_BYTES, this::readUsage);
    }

    /**
     * The observer for an answer of this API with these headers.
     *
     * @param api the API of the request, or null when its path is no model call of a known API (the answer's
     *            usage is then read in any API's shape)
     */
    public static ResponseObserver forResponse(HttpHeaders headers, ApiDialect api) {
        return new ResponseObserver(headers, api != null ? api.usageEvents() : UsageEvents.any());
    }

    /** The observer for an answer whose API is not known: its usage is read in any API's shape. */
    public static ResponseObserver forResponse(HttpHeaders headers) {
        return forResponse(headers, null);
    }

    /** Whether the response is a server-sent-events stream. */
    public boolean streaming() {
        return reader.streaming();
    }

    /** The one reading of this body, to add other listeners to before its first chunk. */
    public BodyReader reader() {
        return reader;
    }

    /** Looks at the readable bytes of one body chunk; the buffer is left as it is. */
    public void observe(ByteBuf chunk) {
        reader.observe(chunk);
    }

    /** The body ended cleanly: read what was collected. */
    public void finish() {
        reader.finish();
    }

    /** Whether a stream ended with its successful final event, so that its transcript is complete. */
    public boolean endedCleanly() {
        return usage.completed();
    }

    public Usage usage() {
        return usage.usage();
    }

    private void readUsage(JsonBody body) {
        if (body.length() == 0) {
            return;
        }
        try {
            JsonBody plain = body.plain(Limits.USAGE_BODY_BYTES);
            usage.onBody(plain.bytes(), plain.length());
        } catch (RuntimeException e) {
            // a body that is not what its headers say has no usage to report
        }
    }
}
