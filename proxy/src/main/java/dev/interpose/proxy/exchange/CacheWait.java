package dev.interpose.proxy.exchange;

import dev.interpose.proxy.cache.CachedResponse;
import dev.interpose.proxy.cache.ResponseCache;
import io.netty.channel.EventLoop;
import java.time.Duration;

/**
 * The {@link Stage#CACHE_WAIT} stage and the exchange's part in the response cache: answer from a stored
 * response ({@code hit}), wait for an identical request already on its way upstream and replay its answer
 * ({@code collapsed}, at most the head timeout), or go upstream ({@code miss}, {@code refresh}).
 * Confined to the exchange's event loop.
 */
final class CacheWait {
    private final Exchange exchange;
    private final ExchangeTimers timers;
    private ResponseCache.Ticket ticket;
    private String result;
    private boolean following;

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

    /** {@code hit}, {@code collapsed} or {@code miss}, once known; else null. */
    String result() {
        return result;
    }

    /** Whoever waits on this request replays its answer or goes upstream now. */
    void settle() {
        ticket.settle();
    }
}
