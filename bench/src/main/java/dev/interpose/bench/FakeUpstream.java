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
 * first, then the rest); otherwise it answers a small JSON message. With {@code x-bench-events: N} the
 * stream is {@link BenchStreams#anthropic} of N text deltas instead of the transcript. On
 * {@code /v1/chat/completions} it answers in OpenAI Chat's format instead: {@link BenchStreams#CHAT_JSON}, or
 * {@link BenchStreams#chat} of N deltas (one when not given). With {@code x-bench-pace-ms: P} as well, the
 * Anthropic stream of N deltas is paced like a model's: the head, the opening events and the first delta at
 * once, then one delta every P milliseconds, the last with the closing events.
 */
final class FakeUpstream {
    static final byte[] JSON = ("{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-bench\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\","
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}").getBytes(StandardCharsets.UTF_8);

    private final ByteBuf json = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(JSON));
    private final ByteBuf chatJson = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(BenchStreams.CHAT_JSON));
    private final Stream transcript;
    /** Generated streams by their number of deltas, built on first use. */
    private final java.util.Map<Integer, Stream> anthropicStreams = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Integer, Stream> chatStreams = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Integer, ByteBuf> pacedEnds = new java.util.concurrent.ConcurrentHashMap<>();
    private final ByteBuf pacedFirst = buffer(BenchStreams.anthropicStart() + BenchStreams.anthropicDelta());
    private final ByteBuf pacedDelta = buffer(BenchStreams.anthropicDelta());
    private final Channel channel;
    /** When above 0, a subagent call (system prompt "You are bench agent") is answered after this delay. */
    volatile int agentDelayMs;

    FakeUpstream(EventLoopGroup group, Class<? extends io.netty.channel.ServerChannel> type, byte[] sse, int port)
            throws InterruptedException {
        transcript = Stream.of(sse);
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

    private Stream stream(boolean chat, int events) {
        if (chat) {
            return chatStreams.computeIfAbsent(Math.max(events, 1), n -> Stream.of(BenchStreams.chat(n)));
        }
        return events <= 0 ? transcript
                : anthropicStreams.computeIfAbsent(events, n -> Stream.of(BenchStreams.anthropic(n)));
    }

    private static ByteBuf buffer(String text) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Streams {@code events} deltas, one every {@code paceMs}, on the connection's loop. */
    private void paced(ChannelHandlerContext ctx, int events, int paceMs) {
        ByteBuf end = pacedEnds.computeIfAbsent(events,
                n -> buffer(BenchStreams.anthropicDelta() + BenchStreams.anthropicEnd(n)));
        ctx.writeAndFlush(new DefaultHttpContent(pacedFirst.duplicate()));
        int[] sent = {1};
        java.util.concurrent.ScheduledFuture<?>[] tick = new java.util.concurrent.ScheduledFuture<?>[1];
        tick[0] = ctx.executor().scheduleAtFixedRate(() -> {
            if (!ctx.channel().isActive()) {
                tick[0].cancel(false);
            } else if (++sent[0] < events) {
                ctx.writeAndFlush(new DefaultHttpContent(pacedDelta.duplicate()));
            } else {
                tick[0].cancel(false);
                ctx.writeAndFlush(new DefaultLastHttpContent(end.duplicate()));
            }
        }, paceMs, paceMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** A stream's first event, flushed alone, and the rest, sent in one write. */
    private record Stream(ByteBuf first, ByteBuf rest) {
        static Stream of(byte[] sse) {
            int firstEnd = new String(sse, StandardCharsets.UTF_8).indexOf("\n\n") + 2;
            return new Stream(Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(sse, 0, firstEnd)),
                    Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(sse, firstEnd, sse.length - firstEnd)));
        }
    }

    private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean chat = request.uri().startsWith("/v1/chat/completions");
            if ("sse".equals(request.headers().get("x-bench-response"))) {
                Stream stream = stream(chat, request.headers().getInt("x-bench-events", 0));
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                ctx.write(head);
                int pace = request.headers().getInt("x-bench-pace-ms", 0);
                if (pace > 0 && !chat) {
                    paced(ctx, Math.max(2, request.headers().getInt("x-bench-events", 2)), pace);
                    return;
                }
                ctx.writeAndFlush(new DefaultHttpContent(stream.first().duplicate()));
                ctx.writeAndFlush(new DefaultLastHttpContent(stream.rest().duplicate()));
            } else {
                ByteBuf body = chat ? chatJson : json;
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        body.duplicate());
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
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
