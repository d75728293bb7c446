package dev.interpose.proxy.exchange;

import dev.interpose.proxy.body.HeapBytes;
import dev.interpose.proxy.cache.CachedResponse;
import dev.interpose.proxy.cache.ResponseCache;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@link Stage#CACHE_WAIT} stage and the exchange's part in the response cache: answer from a stored
 * response ({@code hit}), wait for an identical request already on its way upstream and replay its answer
 * ({@code collapsed}, at most the head timeout), or go upstream ({@code miss}, {@code refresh}); then the
 * capture of the upstream's answer for the entry. The capture is a heap copy; the caller keeps its buffers.
 * Confined to the exchange's event loop.
 */
final class CacheWait {
    private final Exchange exchange;
    private final ExchangeTimers timers;
    private ResponseCache.Ticket ticket;
    private String result;
    private boolean following;
    /** The upstream's head and body bytes as they came, collected to store; null when not storing. */
    private HttpResponse upstreamHead;
    private HeapBytes capture;

    CacheWait(Exchange exchange, ExchangeTimers timers, ResponseCache.Ticket ticket) {
        this.exchange = exchange;
        this.timers = timers;
        this.ticket = ticket;
    }

    void start(EventLoop loop, Duration limit) {
        if (ticket.hit() != null) {
            answer(ticket.hit(), "hit");
        } else if (ticket.follows()) {
            following = true;
            ticket.await(loop, this::afterLeader);
            timers.waitFor(limit.toMillis(), () -> afterLeader(null));
        } else {
            goUpstream();
        }
    }

    /** The identical request this one waited for has ended: replay what it stored, or go upstream. */
    private void afterLeader(CachedResponse answer) {
        if (!following || exchange.stage() != Stage.CACHE_WAIT) {
            return; // the client left meanwhile, or the wait already ended
        }
        following = false;
        timers.cancelWait();
        if (answer != null) {
            answer(answer, "collapsed");
        } else {
            ticket = ticket.alone();
            goUpstream();
        }
    }

    private void answer(CachedResponse answer, String how) {
        result = how;
        ticket.count(how);
        exchange.replay(answer);
    }

    private void goUpstream() {
        result = ticket.result();
        ticket.count(result);
        exchange.goUpstream();
    }

    ResponseCache.Ticket ticket() {
        return ticket;
    }

    /**
     * The upstream's head (a replay's is not stored again): its body is collected to store when it may be
     * stored, else whoever waits goes upstream now. {@code storable}: the route's own upstream answered.
     */
    void capture(HttpResponse head, boolean storable, boolean streaming) {
        if (head.status().code() == 200 && ticket.stores() && storable
                && (streaming || head.headers().get(HttpHeaderNames.CONTENT_TYPE, "")
                        .toLowerCase(Locale.ROOT).startsWith("application/json"))
                && (HttpUtil.isContentLengthSet(head) || HttpUtil.isTransferEncodingChunked(head))) {
            // Not stored: another status, a fallback's answer, another type, or a body that ends by the
            // connection closing (which might be cut).
            upstreamHead = head;
            capture = new HeapBytes(0);
        } else {
            settle(); // nothing will be stored: whoever waits goes upstream now
        }
    }

    /** A part of the upstream's body (read, not taken), collected while it fits an entry. */
    void append(ByteBuf bytes) {
        if (capture != null && !capture.appendWithin(bytes, ticket.maxEntryBytes())) {
            capture = null; // larger than an entry may be
            settle();
        }
    }

    /**
     * The upstream's body ended; {@code complete} when it is whole (a JSON body to its length, or a stream
     * through its final event). A complete capture is stored as the upstream sent it, so every replay passes
     * the hooks anew; then whoever waits replays it or goes upstream.
     */
    void finish(boolean complete) {
        if (capture != null && complete) {
            ticket.store(new CachedResponse(upstreamHead.status().code(), upstreamHead.headers(),
                    capture.copy(0, capture.length()), System.currentTimeMillis()));
        }
        capture = null;
        settle();
    }

    /** {@code hit}, {@code collapsed} or {@code miss}, once known; else null. */
    String result() {
        return result;
    }

    /** Whoever waits on this request replays its answer or goes upstream now. */
    void settle() {
        ticket.settle();
    }
}
