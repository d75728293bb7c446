package dev.interpose.proxy.client;

import dev.interpose.proxy.request.RequestFlow;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * One per client connection: the dispatcher. Each aggregated request is taken up in arrival order
 * ({@link ClientConnection#serve}: answered there or handed to a {@link RequestFlow}); one at a time per
 * connection, pipelined requests wait with reading paused while any waits. Writability goes to the request in
 * flight, the client leaving cancels it. Every request is counted in flight ({@link ServerContext#arrived})
 * from the moment it is taken up to its outcome: what a drain waits for. Confined to the channel's event loop.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter implements RequestTimeoutHandler.Watched {
    private final ServerContext server;
    private final LocalAnswers local;
    private final RequestTimeoutHandler timer;
    private ClientConnection connection;
    private RequestFlow current;
    /** Pipelined requests that arrived while one was in flight, in order. */
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    /** {@link #dispatch} is on the stack: a request that ends within it must not start the next one itself. */
    private boolean dispatching;
    /** A request of this connection is counted in flight ({@link ServerContext#arrived}). */
    private boolean serving;

    ClientHandler(ServerContext server, LocalAnswers local, RequestTimeoutHandler timer) {
        this.server = server;
        this.local = local;
        this.timer = timer;
        timer.watch(this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = new ClientConnection(ctx, server, local, this::dispatch);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || connection.refusing() || connection.closing()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        waiting.add(request);
        dispatch();
    }

    /** Whether a request is being served: in its exchange, or with its hooks, agents or cache key off the loop. */
    @Override
    public boolean busy() {
        return current != null && current.isLive();
    }

    /** Serves the waiting requests in order while nothing is in flight; reads on only when none waits. */
    private void dispatch() {
        if (dispatching) {
            return;
        }
        dispatching = true;
        try {
            while (true) {
                if (serving && !busy()) {
                    serving = false; // the request in flight has its outcome
                    server.left();
                }
                if (busy() || connection.closing() || waiting.isEmpty() || !connection.channel().isActive()) {
                    break;
                }
                serving = true; // in flight from here, in every stage, until its outcome: what a drain waits for
                server.arrived();
                current = connection.take(waiting.poll());
            }
        } finally {
            dispatching = false;
        }
        if (connection.closing()) {
            releaseWaiting();
        } else if (connection.oversizedHeld() && !busy() && waiting.isEmpty()) {
            connection.writeOversized();
        } else {
            // The codec may hand over several requests at once, but no more arrive while any waits.
            connection.channel().config().setAutoRead(waiting.isEmpty());
            if (!busy() && waiting.isEmpty()) {
                timer.idle();
            }
        }
    }

    private void releaseWaiting() {
        FullHttpRequest next;
        while ((next = waiting.poll()) != null) {
            next.release();
        }
    }

    /** An oversized request: every later one is dropped; its 413 goes once the requests before it are answered. */
    void answerOversized(HttpRequest request, int maxBytes) {
        connection.refuseOversized(request, maxBytes);
        if (connection.oversizedHeld() && !busy() && waiting.isEmpty()) {
            connection.writeOversized();
        }
    }

    @Override
    public void timedOut(boolean partial) {
        connection.timedOut(partial);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.onClientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (serving) {
            serving = false; // the client left: nothing is answered any more
            server.left();
        }
        if (current != null) {
            current.cancel(); // its hooks, agents or exchange stop
        }
        releaseWaiting();
        connection.dropOversized();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.failed(cause);
    }
}
