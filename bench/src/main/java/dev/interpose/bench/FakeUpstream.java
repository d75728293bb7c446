package dev.interpose.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * A fast fake model API: answers every request at once, from buffers built up front. With
 * {@code x-bench-response: sse} it streams an Anthropic SSE transcript (head and first event flushed
 * first, then the rest); otherwise it answers a small JSON message.
 */
final class FakeUpstream {
    static final byte[] JSON = ("{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-bench\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\","
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}").getBytes(StandardCharsets.UTF_8);

    private final ByteBuf json = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(JSON));
    private final ByteBuf firstEvent;
    private final ByteBuf restOfStream;
    private final Channel channel;
    /** When above 0, a subagent call (system prompt "You are bench agent") is answered after this delay. */
    volatile int agentDelayMs;

    FakeUpstream(EventLoopGroup group, Class<? extends io.netty.channel.ServerChannel> type, byte[] sse, int port)
            throws InterruptedException {
        String text = new String(sse, StandardCharsets.UTF_8);
        int firstEnd = text.indexOf("\n\n") + 2;
        firstEvent = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(sse, 0, firstEnd));
        restOfStream = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(sse, firstEnd, sse.length - firstEnd));
        channel = new ServerBootstrap().group(group).channel(type)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Read a 47 KB body in one go whatever the connection carried before: the fake must be fast.
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new io.netty.channel.FixedRecvByteBufAllocator(64 * 1024))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 << 20), new Answer());
                    }
                }).bind("127.0.0.1", port).sync().channel();
    }

    int port() {
        return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
    }

    void close() {
        channel.close().syncUninterruptibly();
    }

    private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if ("sse".equals(request.headers().get("x-bench-response"))) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                ctx.write(head);
                ctx.writeAndFlush(new DefaultHttpContent(firstEvent.duplicate()));
                ctx.writeAndFlush(new DefaultLastHttpContent(restOfStream.duplicate()));
            } else {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        json.duplicate());
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, JSON.length);
                int delay = agentDelayMs;
                if (delay > 0 && request.content().toString(StandardCharsets.UTF_8).contains("You are bench agent")) {
                    ctx.executor().schedule(() -> ctx.writeAndFlush(response), delay, java.util.concurrent.TimeUnit.MILLISECONDS);
                } else {
                    ctx.writeAndFlush(response);
                }
            }
        }

        /** The proxy resets the connection of a stream its client abandoned: expected, and not worth a trace. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
