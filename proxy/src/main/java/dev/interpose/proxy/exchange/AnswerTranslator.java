package dev.interpose.proxy.exchange;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.body.ContentCodings;
import dev.interpose.proxy.body.HeapBytes;
import dev.interpose.proxy.body.Limits;
import dev.interpose.proxy.body.StrictJson;
import dev.interpose.proxy.body.UnreadableBodyException;
import dev.interpose.proxy.dialect.SseEvent;
import dev.interpose.proxy.dialect.translate.ErrorReply;
import dev.interpose.proxy.dialect.translate.EventTranslator;
import dev.interpose.proxy.dialect.translate.TranslatedCall;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import dev.interpose.proxy.stream.SseDecoder;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The upstream's answer to a translated request, turned back into the client's API by its
 * {@link TranslatedCall} before anything else sees it: a stream event by event as it arrives (one SSE decode,
 * the client's events written as each upstream chunk is read, nothing held back), a whole answer or an error
 * once it has all come (its length and status are the translation's). What comes out goes to the
 * {@link Sink} as the upstream's own answer would, so the relay, the hooks, the cache and the usage count see
 * the client's API. Per exchange, on its event loop; it releases every content it is handed.
 */
final class AnswerTranslator {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the client's answer goes: the head, then its contents; or a failure before the head. */
    interface Sink {
        void head(HttpResponse head);

        void content(HttpContent content);

        void fail(ErrorKind kind, String message);
    }

    private final TranslatedCall call;
    private final Sink sink;
    /** The upstream's head of a whole answer, until its body has come; null for a stream. */
    private HttpResponse whole;
    private HeapBytes body;
    private EventTranslator events;
    private SseDecoder decoder;
    private List<byte[]> written;
    private boolean failed;

    AnswerTranslator(TranslatedCall call, Sink sink) {
        this.call = call;
        this.sink = sink;
    }

    void head(HttpResponse upstream) {
        String type = upstream.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (upstream.status().code() < 400 && type.regionMatches(true, 0, "text/event-stream", 0, 17)) {
            String coding = upstream.headers().get(HttpHeaderNames.CONTENT_ENCODING);
            if (coding != null && !coding.equalsIgnoreCase("identity")) {
                failed = true; // asked for identity: a compressed stream is not one to translate
                sink.fail(ErrorKind.UPSTREAM_BAD_RESPONSE, "the upstream sent a " + coding
                        + "-compressed stream, which the proxy asked it not to and cannot translate");
                return;
            }
            events = call.events();
            written = new ArrayList<>();
            decoder = new SseDecoder(new Events(), Limits.TRANSLATED_ANSWER_BYTES);
            sink.head(clientHead(upstream, upstream.status(), "text/event-stream", -1));
            return;
        }
        whole = upstream;
        body = new HeapBytes(8192);
    }

    void content(HttpContent content) {
        try {
            if (failed) {
                return;
            }
            if (decoder != null) {
                decoder.feed(content.content());
                if (content instanceof LastHttpContent) {
                    events.end(written::add);
                }
                flush(content instanceof LastHttpContent);
            } else if (!body.appendWithin(content.content(), Limits.TRANSLATED_ANSWER_BYTES)) {
                failed = true;
                sink.fail(ErrorKind.UPSTREAM_BAD_RESPONSE, "the upstream's answer is over "
                        + Limits.TRANSLATED_ANSWER_BYTES + " bytes, more than the proxy reads to translate");
            } else if (content instanceof LastHttpContent) {
                translateWhole();
            }
        } finally {
            content.release();
        }
    }

    /** The events written for this chunk as one content (the last one ending the answer). */
    private void flush(boolean last) {
        if (written.isEmpty()) {
            if (last) {
                sink.content(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            return;
        }
        var bytes = Unpooled.wrappedBuffer(written.toArray(byte[][]::new));
        written.clear();
        sink.content(last ? new DefaultLastHttpContent(bytes) : new DefaultHttpContent(bytes));
    }

    private void translateWhole() {
        int status = whole.status().code();
        byte[] bytes;
        try {
            String coding = whole.headers().get(HttpHeaderNames.CONTENT_ENCODING);
            bytes = coding == null || coding.equalsIgnoreCase("identity") ? Arrays.copyOf(body.array(), body.length())
                    : ContentCodings.decode(Unpooled.wrappedBuffer(body.array(), 0, body.length()), coding,
                    Limits.TRANSLATED_ANSWER_BYTES);
        } catch (ProxyException e) {
            sink.fail(ErrorKind.UPSTREAM_BAD_RESPONSE, "the upstream's answer could not be decoded: " + e.getMessage());
            return;
        }
        byte[] out;
        HttpResponseStatus sent;
        if (status >= 400) {
            ErrorReply reply = call.error(status, bytes);
            out = reply.body();
            sent = HttpResponseStatus.valueOf(reply.status());
        } else {
            try {
                ObjectNode answer = call.answer(StrictJson.object(bytes));
                out = JSON.writeValueAsBytes(answer);
            } catch (UnreadableBodyException e) {
                sink.fail(ErrorKind.UPSTREAM_BAD_RESPONSE, "the upstream's answer could not be read to translate: "
                        + e.getMessage());
                return;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("the translated answer could not be written", e);
            }
            sent = whole.status();
        }
        sink.head(clientHead(whole, sent, "application/json", out.length));
        sink.content(new DefaultLastHttpContent(Unpooled.wrappedBuffer(out)));
    }

    /** The upstream's head with the translation's status, type and length (-1: a stream, no length). */
    private static HttpResponse clientHead(HttpResponse upstream, HttpResponseStatus status, String type, int length) {
        HttpHeaders headers = upstream.headers().copy();
        headers.remove(HttpHeaderNames.CONTENT_ENCODING).remove(HttpHeaderNames.CONTENT_LENGTH)
                .set(HttpHeaderNames.CONTENT_TYPE, type);
        if (length < 0) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else {
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING).set(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        return new DefaultHttpResponse(upstream.protocolVersion(), status, headers);
    }

    /** Each whole upstream event, to the call's stream translator. */
    private final class Events implements SseDecoder.Listener {
        @Override
        public boolean wants(String event) {
            return true;
        }

        @Override
        public void onEvent(String event, byte[] data, int length, boolean truncated) {
            if (truncated) {
                return; // over the proxy's event limit: not an event any client could take
            }
            events.accept(SseEvent.of(null, event, Arrays.copyOf(data, length)), written::add);
        }
    }
}
