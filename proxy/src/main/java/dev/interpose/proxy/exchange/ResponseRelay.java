package dev.interpose.proxy.exchange;

import dev.interpose.proxy.cache.CachedResponse;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.hook.ResponseGate;
import dev.interpose.proxy.hook.ResponseHooks;
import dev.interpose.proxy.stream.ResponseObserver;
import dev.interpose.proxy.stream.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The response's way to the client ({@link Stage#STREAMING}, {@link Stage#HOLDING}): the head written at once
 * (or held while a gate that holds the whole body may still refuse it), each chunk forwarded as it comes and
 * shown to the observer, the cache capture ({@link CacheWait}) and the response hooks on the way, and the
 * upstream read only as fast as the client drains ({@link ReadThrottle}). An upstream's answer and a cache
 * replay take the same path.
 *
 * <p>Buffers: each chunk handed to {@link #content} is forwarded to the client or, with a gate, released
 * after the gate has read it. Confined to the client channel's event loop.
 */
final class ResponseRelay {
    private final Exchange exchange;
    private final Channel client;
    private final RequestInfo info;
    private final ResponseHooks.Tap tap;
    private final CacheWait cache;
    private final ExchangeTimers timers;
    private final ReadThrottle throttle;
    private boolean keepAlive;
    private boolean upstreamKeepAlive;
    private int status;
    private String upstreamRequestId;
    private long bytesOut;
    private ResponseObserver observer;
    private ResponseGate gate;
    /** The client's head, held while a gate that holds the whole body may still refuse it; else null. */
    private HttpResponse heldHead;
    /** The stored answer being replayed, or null when the answer comes from upstream. */
    private CachedResponse replaying;

    ResponseRelay(Exchange exchange, Channel client, RequestInfo info, ResponseHooks.Tap tap, CacheWait cache,
            ExchangeTimers timers) {
        this.exchange = exchange;
        this.client = client;
        this.info = info;
        this.tap = tap;
        this.cache = cache;
        this.timers = timers;
        this.throttle = new ReadThrottle(client, timers);
        this.keepAlive = info.keepAlive();
    }

    /**
     * The response head, from {@code upstream} (null for a replay of {@code replaying}); {@code storable}
     * when the answer may go to the cache (the route's own upstream answered).
     */
    void begin(HttpResponse head, Channel upstream, CachedResponse replaying, boolean storable) {
        throttle.follow(upstream);
        this.replaying = replaying;
        status = head.status().code();
        upstreamKeepAlive = HttpUtil.isKeepAlive(head);
        upstreamRequestId = head.headers().get("x-request-id");
        observer = ResponseObserver.forResponse(head.headers(), dev.interpose.proxy.dialect.ApiDialect.forPath(info.path()));
        if (cache != null && replaying == null) {
            cache.capture(head, storable, observer.streaming());
        }
        if (observer.streaming()) {
            exchange.context().metrics().streamStarted();
        }
        if (tap != null) {
            gate = tap.begin(status, head.headers(), observer, client.eventLoop(), new GateOutput());
        }
        if (gate != null && gate.holdsWhole()) {
            heldHead = clientHead(head); // a refusal can then still be a 502 in the client's dialect
        } else {
            client.write(clientHead(head));
        }
    }

    private HttpResponse clientHead(HttpResponse head) {
        HttpHeaders headers = HeaderRewrite.toClient(head.headers());
        if (gate != null) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH); // the gate may change the body's length
            if (gate.decodes()) {
                headers.remove(HttpHeaderNames.CONTENT_ENCODING);
            }
        }
        boolean bodyless = HttpMethod.HEAD.name().equals(info.method()) || status == 204 || status == 304;
        if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH) && !bodyless) {
            if (info.http11()) {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                keepAlive = false; // an HTTP/1.0 client reads to the close
            }
        }
        if (upstreamRequestId != null) {
            headers.set("x-upstream-request-id", upstreamRequestId);
        }
        if (cache != null) {
            headers.set(ResponseCache.HEADER, replaying != null ? "hit" : "miss");
            if (replaying != null) {
                headers.set(HttpHeaderNames.AGE, replaying.ageSeconds(System.currentTimeMillis()));
            }
        }
        headers.set("x-request-id", info.requestId());
        HttpResponse out = new DefaultHttpResponse(info.http11() ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0,
                head.status(), headers);
        HttpUtil.setKeepAlive(out, keepAlive);
        return out;
    }

    /** A part of the body (ownership passes here), while {@link Stage#STREAMING}. */
    void content(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            content.release(); // a broken chunk: the body is not what the upstream meant to send
            exchange.abort(ErrorKind.UPSTREAM_BAD_RESPONSE, "upstream " + exchange.upstreamName()
                    + " sent a malformed body: " + Exchange.describe(content.decoderResult().cause()));
            return;
        }
        timers.touch();
        observer.observe(content.content());
        if (cache != null) {
            cache.append(content.content());
        }
        if (gate != null) {
            try {
                gate.feed(content.content());
                if (content instanceof LastHttpContent) {
                    gate.inputEnded(); // the observer has every event before finish() reads it
                }
            } catch (RuntimeException e) {
                exchange.abort(ErrorKind.INTERNAL, "holding the response for PreToolUse hooks failed: " + e);
                return;
            } finally {
                content.release();
            }
            if (content instanceof LastHttpContent && exchange.stage() == Stage.STREAMING) { // not when refused
                finish(null);
            }
        } else if (content instanceof LastHttpContent) {
            finish((LastHttpContent) content);
        } else {
            toClient(content);
        }
    }

    /** The end of one read from the upstream: flush, and stop reading while the client cannot take more. */
    void readComplete() {
        throttle.readComplete();
    }

    /** The client channel's writability changed: resume reading the upstream once it drained. */
    void writable() {
        throttle.writable();
    }

    /** Body bytes to the client, shown to the response hooks on the way. */
    private void toClient(HttpContent content) {
        bytesOut += content.content().readableBytes();
        if (tap != null) {
            tap.observe(content.content());
        }
        client.write(content);
    }

    private void writeHeldHead() {
        if (heldHead != null) {
            client.write(heldHead);
            heldHead = null;
        }
    }

    /** The body ended; {@code last} is its last chunk, or null when a gate took it. */
    private void finish(LastHttpContent last) {
        exchange.upstreamEnded(upstreamKeepAlive);
        throttle.follow(null);
        observer.finish();
        if (cache != null) {
            // Stored before the gate or the client sees it; followers replay now, not after a gate's hooks.
            cache.finish(!observer.streaming() || observer.endedCleanly());
        }
        if (gate == null) {
            complete(last);
            return;
        }
        exchange.hold();
        try {
            gate.end(() -> {
                if (exchange.stage() == Stage.HOLDING) {
                    exchange.released();
                    complete(LastHttpContent.EMPTY_LAST_CONTENT);
                }
            });
        } catch (RuntimeException e) {
            exchange.abort(ErrorKind.INTERNAL, "holding the response for PreToolUse hooks failed: " + e);
        }
    }

    private void complete(LastHttpContent last) {
        exchange.done();
        writeHeldHead();
        if (last.content().isReadable()) {
            bytesOut += last.content().readableBytes();
            if (tap != null) {
                tap.observe(last.content());
            }
        }
        client.writeAndFlush(last).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                : ChannelFutureListener.CLOSE);
        exchange.end(Result.ok());
    }

    /** The exchange failed or was cancelled: the gate's hooks are told to stop. */
    void cancelGate() {
        if (gate != null) {
            gate.cancel();
        }
    }

    boolean keepAlive() {
        return keepAlive;
    }

    int status() {
        return status;
    }

    long bytesOut() {
        return bytesOut;
    }

    String upstreamRequestId() {
        return upstreamRequestId;
    }

    boolean streaming() {
        return observer != null && observer.streaming();
    }

    Usage usage() {
        return observer == null ? Usage.NONE : observer.usage();
    }

    /** A gate writes the body the client receives through the same path as an ungated one. */
    private final class GateOutput implements ResponseGate.Output {
        @Override
        public void write(ByteBuf bytes) {
            writeHeldHead();
            toClient(new DefaultHttpContent(bytes));
        }

        @Override
        public void flush() {
            client.flush();
        }

        @Override
        public void refuse(String message) {
            refuse(message, null);
        }

        @Override
        public void refuse(String message, byte[] lastEvent) {
            Stage stage = exchange.stage();
            if (stage != Stage.STREAMING && stage != Stage.HOLDING) {
                return;
            }
            if (heldHead != null) {
                heldHead = null;
                gate.cancel();
                exchange.fail(ErrorKind.UPSTREAM_BAD_RESPONSE, message);
                return;
            }
            if (lastEvent != null) {
                toClient(new DefaultHttpContent(Unpooled.wrappedBuffer(lastEvent))); // flushed by abort
            }
            exchange.abort(ErrorKind.UPSTREAM_BAD_RESPONSE, message);
        }
    }
}
