package dev.interpose.proxy.client;

import dev.interpose.config.ListenerConfig;
import dev.interpose.proxy.error.ProxyException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import java.util.function.Supplier;

/**
 * Checks each request head before anything else sees it, by the {@link FrontDoorRules} (Host, Origin,
 * Sec-Fetch-Site, Transfer-Encoding, the target). A refused head is marked as a decoding failure carrying a
 * {@link ProxyException} with the kind and reason; the aggregator then drops its body, and
 * {@link ClientHandler} answers it in the client's dialect, logs it and closes the connection (after a framing
 * problem, whatever follows on it cannot be trusted). Sits between the HTTP codec and the aggregator;
 * confined to the channel's event loop; forwards every message it reads, so it owns no buffer.
 */
final class FrontDoorHandler extends ChannelInboundHandlerAdapter {
    private final Supplier<ListenerConfig> listener;

    /** @param listener the listener settings new requests use (they follow reloads) */
    FrontDoorHandler(Supplier<ListenerConfig> listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
            ProxyException refusal = check(request, ctx.channel().localAddress(), listener.get());
            if (refusal != null) {
                request.setDecoderResult(DecoderResult.failure(refusal));
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Why this head is refused, or null when it may go on: {@link FrontDoorRules#check}. */
    static ProxyException check(HttpRequest request, Object local, ListenerConfig config) {
        return FrontDoorRules.check(request, local, config);
    }
}
