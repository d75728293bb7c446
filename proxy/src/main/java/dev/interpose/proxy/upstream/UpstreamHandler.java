package dev.interpose.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of every upstream channel: hands decoded response parts to the exchange that owns the
 * channel. With no owner (the channel idles in the pool) anything that arrives is unexpected: it is
 * released and the channel closed, so it is never handed to the next exchange.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private UpstreamListener listener;
    private boolean failed;
    private int uses;

    /** Gives the channel to an exchange; returns how many exchanges used it before. */
    int attach(UpstreamListener owner) {
        this.listener = owner;
        return uses++;
    }

    void detach() {
        this.listener = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamListener owner = listener;
        if (owner == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse) {
            owner.onUpstreamHead((HttpResponse) msg);
        }
        if (msg instanceof HttpContent) {
            owner.onUpstreamContent((HttpContent) msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener owner = listener;
        if (owner != null) {
            owner.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        UpstreamListener owner = listener;
        listener = null;
        if (owner != null && !failed) {
            owner.onUpstreamClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamListener owner = listener;
        listener = null;
        failed = true;
        ctx.close();
        if (owner != null) {
            owner.onUpstreamClosed(cause);
        }
    }
}
