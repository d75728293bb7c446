package dev.interpose.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Holds each request body whole (hooks, commands and retries need it; responses are never aggregated),
 * answers {@code Expect: 100-continue}, and turns an oversized body into a 413 in the client's dialect
 * instead of Netty's empty one. Runs on the client channel's event loop.
 */
final class RequestAggregator extends HttpObjectAggregator {
    /** How long the rest of an oversized body is read and dropped after the 413, at most. */
    private static final long DRAIN_SECONDS = 5;

    private final ClientHandler handler;

    RequestAggregator(int maxBodyBytes, ClientHandler handler) {
        super(maxBodyBytes);
        this.handler = handler;
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (answer instanceof FullHttpResponse && ((FullHttpResponse) answer).status().code() == 413) {
            ReferenceCountUtil.release(answer);
            return handler.tooLarge((HttpRequest) start, maxContentLength, true);
        }
        return answer;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (!(oversized instanceof HttpRequest)) {
            ctx.close();
            return;
        }
        handler.refuseFurtherRequests();
        ctx.writeAndFlush(handler.tooLarge((HttpRequest) oversized, maxContentLength(), false)).addListener(f -> {
            if (!f.isSuccess() || !(ctx.channel() instanceof DuplexChannel)) {
                ctx.close();
                return;
            }
            // Closing while the client is still sending its body would reset the connection, and a reset can
            // destroy the 413 before the client reads it. Half-close instead: the client reads the answer to
            // its end while what it still sends is dropped (the aggregator discards the rest of an oversized
            // body); the connection closes when the client closes its side, or after DRAIN at the latest.
            ((DuplexChannel) ctx.channel()).shutdownOutput();
            ctx.executor().schedule(() -> ctx.close(), DRAIN_SECONDS, TimeUnit.SECONDS);
        });
    }
}
