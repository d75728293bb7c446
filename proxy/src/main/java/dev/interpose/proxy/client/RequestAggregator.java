package dev.interpose.proxy.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * Holds each request body whole (hooks, commands and retries need it; responses are never aggregated),
 * answers {@code Expect: 100-continue}, and turns an oversized body into a 413 in the client's dialect
 * instead of Netty's empty one. Runs on the client channel's event loop.
 */
final class RequestAggregator extends HttpObjectAggregator {
    private final ClientHandler handler;
    private final LocalAnswers local;
    private final RequestTimeoutHandler timer;

    RequestAggregator(int maxBodyBytes, ClientHandler handler, LocalAnswers local, RequestTimeoutHandler timer) {
        super(maxBodyBytes);
        this.handler = handler;
        this.local = local;
        this.timer = timer;
    }

    @Override
    protected FullHttpMessage beginAggregation(HttpMessage start, ByteBuf content) throws Exception {
        timer.headReceived();
        return super.beginAggregation(start, content);
    }

    @Override
    protected void finishAggregation(FullHttpMessage aggregated) throws Exception {
        timer.requestReceived();
        super.finishAggregation(aggregated);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (answer instanceof FullHttpResponse && ((FullHttpResponse) answer).status().code() == 413) {
            ReferenceCountUtil.release(answer);
            return local.tooLarge((HttpRequest) start, maxContentLength, true);
        }
        return answer;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (!(oversized instanceof HttpRequest)) {
            ctx.close();
            return;
        }
        handler.answerOversized((HttpRequest) oversized, maxContentLength());
    }
}
