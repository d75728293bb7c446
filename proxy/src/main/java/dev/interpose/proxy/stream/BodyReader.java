package dev.interpose.proxy.stream;

import dev.interpose.proxy.body.ContentCodings;
import dev.interpose.proxy.body.HeapBytes;
import dev.interpose.proxy.body.Limits;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads one answer's body as it goes by, once, for everyone who needs it: an uncompressed server-sent-events
 * stream through one {@link SseDecoder} whose events fan out to the listeners that want them, a JSON body
 * (in any coding the proxy can undo) copied once and shown whole to each reader at the end. Any other body,
 * or a stream in a content coding, is not read. Listeners are added before the first chunk. When something
 * else decodes the stream anyway (the tool gate), this reader {@linkplain #handOver hands its listeners over}
 * to it and decodes nothing, so the stream is still decoded once.
 *
 * <p>Not thread-safe: one per body, on its exchange's event loop; it only reads the buffers it is shown.
 */
public final class BodyReader {
    private final boolean streaming;
    private final SseFanout events;
    private SseDecoder sse;
    /** Whether the body is JSON in a coding the proxy can undo, so readers of a whole body can have it. */
    private final boolean readsJson;
    /** The body's content coding, or null for identity. */
    private final String coding;
    private final List<BodyListener> bodies = new ArrayList<>(2);
    /** The most any body listener takes: the copy stops there. */
    private int maxBodyBytes;
    /** The JSON body copied so far (nothing is allocated before its first bytes), or null when not copied. */
    private HeapBytes json;
    private boolean started;
    /** Whether the stream's listeners were handed over to another decoder, so that this one is not built. */
    private boolean handedOver;

    private record BodyListener(int maxBytes, Consumer<JsonBody> reader) {
    }

    /** The reader of a body with these headers. */
    public BodyReader(HttpHeaders headers) {
        this(headers.get(HttpHeaderNames.CONTENT_TYPE), headers.get(HttpHeaderNames.CONTENT_ENCODING));
    }

    /** The reader of a body of this content type (null: none) in this content coding (null: none). */
    public BodyReader(String contentType, String encoding) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        boolean identity = encoding == null || encoding.equalsIgnoreCase("identity");
        streaming = type.startsWith("text/event-stream");
        events = streaming && identity ? new SseFanout() : null;
        readsJson = !streaming && type.startsWith("application/json") && ContentCodings.supported(encoding);
        coding = identity ? null : encoding;
    }

    /** Whether the body is a server-sent-events stream (read or not). */
    public boolean streaming() {
        return streaming;
    }

    /**
     * Shows the body to another reader: a stream's events to {@code events}, a JSON body to {@code body} (at
     * the end, when it is at most {@code maxBodyBytes} as sent). Either may be null.
     *
     * @return whether this body will be shown to them at all (a stream decoded, a JSON body copied)
     */
    public boolean listen(SseDecoder.Listener events, int maxBodyBytes, Consumer<JsonBody> body) {
        if (started) {
            throw new IllegalStateException("a listener added after the body began would miss some of it");
        }
        if (this.events != null) {
            if (events != null) {
                this.events.add(events);
            }
            return true;
        }
        if (readsJson) {
            if (body != null) {
                bodies.add(new BodyListener(maxBodyBytes, body));
                this.maxBodyBytes = Math.max(this.maxBodyBytes, maxBodyBytes);
                json = new HeapBytes(0);
            }
            return true;
        }
        return false;
    }

    /**
     * The stream's listeners, for the one who decodes the stream anyway and hands them each event as their
     * decoder would (the tool gate); this reader then decodes nothing. Null when this reader decodes no stream.
     */
    public SseDecoder.Listener handOver() {
        if (started) {
            throw new IllegalStateException("the body began: its first events were decoded here already");
        }
        handedOver = events != null;
        return events;
    }

    /** Looks at the readable bytes of one body chunk; the buffer is left as it is. */
    public void observe(ByteBuf chunk) {
        if (!started) {
            started = true;
            if (events != null && !events.isEmpty() && !handedOver) {
                sse = new SseDecoder(events, Limits.EVENT_BYTES);
            }
        }
        if (sse != null) {
            sse.feed(chunk);
        } else if (json != null && !json.appendWithin(chunk, maxBodyBytes)) {
            json = null; // larger than anyone reads
        }
    }

    /** The body ended cleanly: each reader of a JSON body gets it now, when it is within that reader's cap. */
    public void finish() {
        started = true;
        HeapBytes copied = json;
        json = null;
        if (copied == null) {
            return;
        }
        JsonBody body = new JsonBody(copied.array(), copied.length(), coding);
        for (BodyListener listener : bodies) {
            if (body.length() <= listener.maxBytes()) {
                listener.reader().accept(body);
            }
        }
    }
}
