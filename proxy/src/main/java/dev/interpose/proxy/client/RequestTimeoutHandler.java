package dev.interpose.proxy.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The slow-client guard ({@code listener.request-timeout}): while nothing is in flight on the connection, a
 * client has that long to send a whole request head, may go silent within its body for no longer, and an
 * idle keep-alive connection is closed after it. The clock pauses while the connection is busy (an exchange,
 * hooks or agents in flight, or an answer still being written). First in the pipeline, so it sees every
 * byte; the aggregator tells it when a head and a whole request have arrived, the {@link Watched} handler
 * when the connection became idle. Confined to the channel's event loop.
 */
final class RequestTimeoutHandler extends ChannelInboundHandlerAdapter {
    /** What the timer asks and tells the handler that serves the connection. */
    interface Watched {
        /** Whether the connection is serving a request (the clock pauses meanwhile). */
        boolean busy();

        /** The time ran out; {@code partial} when part of a request had arrived (else the connection was idle). */
        void timedOut(boolean partial);
    }

    private final long timeoutNanos;
    private Watched watched;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> check;
    /** When the time runs out, in {@link System#nanoTime} terms; 0 while the clock is stopped. */
    private long deadline;
    /** Bytes of a request have arrived since the last whole one. */
    private boolean started;
    /** The head of the request being received has arrived: silence is now measured from the last byte. */
    private boolean inBody;

    RequestTimeoutHandler(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    void watch(Watched watched) {
        this.watched = watched;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        idle();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            started = true;
            if (inBody) {
                restart();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline = 0;
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        ctx.fireChannelInactive();
    }

    /** The head of a request arrived. */
    void headReceived() {
        inBody = true;
        restart();
    }

    /** A whole request arrived: the clock stops until the connection is idle again. */
    void requestReceived() {
        inBody = false;
        started = false;
        deadline = 0;
    }

    /** Nothing in flight any more: the next request must arrive in time (the clock runs on if it already does). */
    void idle() {
        if (deadline == 0) {
            restart();
        }
    }

    private void restart() {
        deadline = System.nanoTime() + timeoutNanos;
        if (check == null && ctx.channel().isActive()) {
            check = ctx.executor().schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        check = null;
        if (deadline == 0 || !ctx.channel().isActive()) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 && busy()) {
            restart(); // paused while the connection serves a request
            return;
        }
        if (left > 0) {
            check = ctx.executor().schedule(this::check, left, TimeUnit.NANOSECONDS);
            return;
        }
        deadline = 0;
        watched.timedOut(started);
    }

    private boolean busy() {
        var outbound = ctx.channel().unsafe().outboundBuffer();
        return watched.busy() || (outbound != null && outbound.totalPendingWriteBytes() > 0);
    }
}
