package dev.interpose.proxy.client;

import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.error.ProxyException;
import dev.interpose.proxy.request.Arrival;
import dev.interpose.proxy.request.ClientSide;
import dev.interpose.proxy.request.RequestFlow;
import dev.interpose.proxy.route.Router;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answering side of one client connection, for {@link ClientHandler}: takes up each request (a malformed
 * one and the local endpoints answered here, the rest handed to a {@link RequestFlow}), writes the proxy's own
 * answers, and closes the conversation after an answer that ends it (a 413 half-closes first). Confined to the
 * channel's event loop.
 */
final class ClientConnection implements ClientSide {
    private static final Logger LOG = LoggerFactory.getLogger(ClientHandler.class);
    /** How long the rest of an oversized body is read and dropped after the 413, at most. */
    private static final long DRAIN_SECONDS = 5;

    private final ChannelHandlerContext ctx;
    private final ServerContext server;
    private final LocalAnswers local;
    private final Runnable next;
    /** An answer that closes the connection was written: nothing more is answered on it. */
    private boolean closing;
    /** A 413 closed the conversation: whatever the client sent after the oversized body is dropped. */
    private boolean refusing;
    /** The 413 of an oversized pipelined request, written once the requests before it are answered. */
    private FullHttpResponse oversized;

    /** @param next run when a request has its outcome and the next may be served */
    ClientConnection(ChannelHandlerContext ctx, ServerContext server, LocalAnswers local, Runnable next) {
        this.ctx = ctx;
        this.server = server;
        this.local = local;
        this.next = next;
    }

    /**
     * Takes {@code request} up and returns its flow, started, or null when it was answered here. Every request
     * gets an answer: a bug of ours becomes a 500 in the client's dialect, or a close once an exchange answers.
     */
    RequestFlow take(FullHttpRequest request) {
        String requestId = RequestIds.next();
        RequestFlow flow = null;
        try {
            flow = serve(request, requestId);
            if (flow != null) {
                flow.start();
            }
        } catch (RuntimeException e) {
            if (flow != null && flow.exchangeLive()) {
                LOG.error("internal error {} handling {}", requestId, request.method(), e);
                ctx.close();
            } else {
                internalError(request, requestId, e);
            }
        }
        return flow;
    }

    /** The request's flow, not started yet, or null when it was answered here. */
    private RequestFlow serve(FullHttpRequest request, String requestId) {
        ServerContext.Snapshot now = server.snapshot(); // this request's configuration, to its end
        String uri = LocalAnswers.originForm(request.uri());
        String path = LocalAnswers.pathOf(uri);
        Arrival arrival = new Arrival(requestId, System.nanoTime(), HttpUtil.isKeepAlive(request) && !server.draining(),
                uri, path, LocalAnswers.dialectOf(path, request.headers()));
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (!ctx.channel().isActive()) {
                // The client left mid-request: one line, no trace (nothing is wrong on our side).
                LOG.info("client {} left before its request {} {} was complete", ctx.channel().remoteAddress(),
                        request.method(), path);
                request.release();
                return null;
            }
            ErrorKind kind = cause instanceof ProxyException refused ? refused.kind()
                    : cause instanceof TooLongHttpHeaderException ? ErrorKind.HEADERS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? ErrorKind.URI_TOO_LONG : ErrorKind.BAD_REQUEST;
            String message = cause instanceof ProxyException ? cause.getMessage()
                    : kind == ErrorKind.HEADERS_TOO_LARGE
                    ? "request headers exceed " + now.config().listener().maxHeaderBytes() + " bytes"
                    : "malformed HTTP request: " + cause.getMessage();
            answerError(request, arrival.guess(), kind, message, new Arrival(requestId, arrival.startNanos(), false,
                    uri, path, arrival.guess()));
            return null;
        }
        if (LocalEndpoints.handles(path)) {
            FullHttpResponse answer = LocalEndpoints.answer(path, server, now, requestId, arrival.keepAlive());
            request.release();
            write(answer, arrival.keepAlive());
            return null;
        }
        return new RequestFlow(now, this, server.agentRuns(), request, arrival);
    }

    private void internalError(FullHttpRequest request, String requestId, RuntimeException e) {
        LOG.error("internal error {} handling {} {}", requestId, request.method(),
                LocalAnswers.pathOf(LocalAnswers.originForm(request.uri())), e);
        if (request.refCnt() > 0) {
            request.release();
        }
        write(ProxyResponses.error(ApiDialect.errorsOf(Router.guessDialect(request.headers())), ErrorKind.INTERNAL,
                "internal proxy error (" + e.getClass().getSimpleName() + "); see the proxy log for " + requestId,
                requestId, false), false);
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void write(FullHttpResponse response, boolean keepAlive) {
        if (!keepAlive) {
            closing = true; // the requests still waiting are dropped with the connection
        }
        ctx.writeAndFlush(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                : ChannelFutureListener.CLOSE);
    }

    @Override
    public void answerError(FullHttpRequest request, ApiDialect dialect, ErrorKind kind, String message,
            Arrival arrival) {
        FullHttpResponse answer = local.error(request, dialect, kind, message, arrival.requestId(),
                arrival.startNanos(), arrival.keepAlive());
        request.release();
        write(answer, arrival.keepAlive());
    }

    @Override
    public void ended() {
        next.run();
    }

    /** Whether an answer that ends the conversation was written, or a 413 is due: nothing more is served. */
    boolean closing() {
        return closing;
    }

    /** Whether a 413 ended the conversation: what the client sends from now on is dropped. */
    boolean refusing() {
        return refusing;
    }

    /** An oversized request: its 413 is held until {@link #writeOversized} (the requests before it come first). */
    void refuseOversized(HttpRequest request, int maxBytes) {
        refusing = true;
        if (oversized == null && !closing) {
            oversized = local.tooLarge(request, maxBytes, false);
        }
    }

    /** Whether a 413 is held. */
    boolean oversizedHeld() {
        return oversized != null;
    }

    /** The client left: a held 413 is dropped. */
    void dropOversized() {
        if (oversized != null) {
            oversized.release();
            oversized = null;
        }
    }

    /**
     * Writes the 413 of an oversized request and half-closes: closing while the client is still sending its body
     * would reset the connection, and a reset can destroy the 413 before the client reads it. The client reads
     * the answer to its end while what it still sends is dropped (the aggregator discards the rest of an
     * oversized body); the connection closes when the client closes its side, or after a few seconds at most.
     */
    void writeOversized() {
        FullHttpResponse answer = oversized;
        oversized = null;
        closing = true;
        ctx.writeAndFlush(answer).addListener(f -> {
            if (!f.isSuccess() || !(ctx.channel() instanceof DuplexChannel)) {
                ctx.close();
                return;
            }
            ((DuplexChannel) ctx.channel()).shutdownOutput();
            ctx.executor().schedule(() -> ctx.close(), DRAIN_SECONDS, TimeUnit.SECONDS);
        });
    }

    /** The 413 answer for an oversized request, in its dialect; logged and counted. */
    FullHttpResponse tooLarge(HttpRequest request, int maxBytes, boolean keepAlive) {
        return local.tooLarge(request, maxBytes, keepAlive);
    }

    /** An error on the connection: logged unless it is the client going away, and the connection closed. */
    void failed(Throwable cause) {
        if (cause instanceof PrematureChannelClosureException) {
            // The client left mid-request: one line, no trace (nothing is wrong on our side).
            LOG.info("client {} left before its request was complete", ctx.channel().remoteAddress());
        } else if (!(cause instanceof IOException) && !(cause instanceof TooLongFrameException)) {
            LOG.warn("closing client connection after unexpected error", cause);
        }
        ctx.close();
    }

    /** The request timeout ran out with nothing in flight: a 408 when part of a request had come, else just close. */
    void timedOut(boolean partial) {
        if (!partial) {
            ctx.close(); // an idle keep-alive connection: nothing to answer
            return;
        }
        write(local.timedOut(), false);
    }
}
