package dev.interpose.proxy.exchange;

import dev.interpose.proxy.upstream.UpstreamClient;
import dev.interpose.proxy.upstream.UpstreamListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * One attempt at one upstream ({@link Stage#CONNECTING}, {@link Stage#AWAITING_HEAD}): the connection it got,
 * whether the request went out whole, and when the request was sent and the head came. A pooled connection
 * the upstream had already closed is worth one more send on a fresh one ({@link #mayResend}). Confined to
 * the exchange's event loop.
 */
final class UpstreamAttempt {
    private final UpstreamClient upstream;
    private Channel channel;
    private boolean reused;
    private boolean resent;
    private boolean written;
    private Throwable writeFailure;
    private long sentNanos;
    private long headNanos = -1;

    UpstreamAttempt(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    /** Sends {@code request} (whose buffer it takes) on {@code connection}, which reports to {@code owner}. */
    void send(Channel connection, UpstreamListener owner, FullHttpRequest request) {
        channel = connection;
        reused = UpstreamClient.attach(connection, owner) > 0;
        written = false;
        writeFailure = null;
        sentNanos = System.nanoTime();
        connection.writeAndFlush(request).addListener((ChannelFutureListener) f -> {
            if (channel != connection) {
                return; // dropped meanwhile, by a retry, a fallback or the end
            }
            if (f.isSuccess()) {
                written = true;
            } else {
                writeFailure = f.cause();
                f.channel().close();
            }
        });
    }

    /** The connection, or null once it is closed, handed back or dropped. */
    Channel channel() {
        return channel;
    }

    /** The connection closed; returns why ({@code cause}, else a failed write's cause, else null). */
    Throwable closed(Throwable cause) {
        channel = null;
        return cause != null ? cause : writeFailure;
    }

    /** True once for a pooled connection that closed before any answer: send again on a fresh one. */
    boolean mayResend() {
        if (reused && !resent) {
            resent = true;
            return true;
        }
        return false;
    }

    void headArrived() {
        headNanos = System.nanoTime();
    }

    /** From the request sent to the head, in milliseconds; -1 when no head came. */
    double headMillis() {
        return headNanos < 0 ? -1 : (headNanos - sentNanos) / 1e6;
    }

    /** The body ended: the connection goes back to the pool when both sides may keep it, else is closed. */
    void finish(boolean upstreamKeepAlive) {
        if (channel == null) {
            return;
        }
        if (upstreamKeepAlive && written) {
            upstream.release(channel);
        } else {
            upstream.discard(channel);
        }
        channel = null;
    }

    /** Closes the connection (never pooled): that stops the upstream generating and billing. */
    void drop() {
        if (channel != null) {
            upstream.discard(channel);
            channel = null;
        }
    }
}
