package dev.interpose.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP/1.1 load generator: {@code connections} keep-alive connections, each sending its next
 * request as soon as the previous response ended. All connections share one event loop thread, so the
 * histograms need no locking. Records full-response latency and time to the first body byte.
 */
final class LoadClient {

    /** What one run measured. */
    record Result(long requests, double seconds, Histogram latency, Histogram firstByte) {
        double perSecond() {
            return requests / seconds;
        }

        /** This run and another of the same load, as one. */
        Result plus(Result other) {
            Histogram l = latency.copy();
            l.add(other.latency);
            Histogram f = firstByte.copy();
            f.add(other.firstByte);
            return new Result(requests + other.requests, seconds + other.seconds, l, f);
        }
    }

    private LoadClient() {
    }

    static Result run(EventLoopGroup loop, Class<? extends Channel> type, int port, String path, byte[] body,
            String response, int connections, long warmupMillis, long measureMillis) throws InterruptedException {
        return run(loop, type, port, path, body, response, 0, connections, warmupMillis, measureMillis);
    }

    /** As above, asking the fake upstream for a stream of {@code events} text deltas when above 0. */
    static Result run(EventLoopGroup loop, Class<? extends Channel> type, int port, String path, byte[] body,
            String response, int events, int connections, long warmupMillis, long measureMillis)
            throws InterruptedException {
        return run(loop, type, port, path, body, response, events, connections, warmupMillis, measureMillis, null);
    }

    /**
     * The first {@code count} requests on one new connection, one after the other: each one's latency in
     * nanoseconds, in order (a cold process's first requests).
     */
    static long[] first(EventLoopGroup loop, Class<? extends Channel> type, int port, String path, byte[] body,
            String response, int count) throws InterruptedException {
        long[] each = new long[count];
        run(loop, type, port, path, body, response, 0, 1, 0, 60_000, each);
        return each;
    }

    private static Result run(EventLoopGroup loop, Class<? extends Channel> type, int port, String path, byte[] body,
            String response, int events, int connections, long warmupMillis, long measureMillis, long[] each)
            throws InterruptedException {
        Histogram latency = new Histogram(60_000_000_000L, 3);
        Histogram firstByte = new Histogram(60_000_000_000L, 3);
        ByteBuf payload = Unpooled.unreleasableBuffer(Unpooled.directBuffer(body.length).writeBytes(body));
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        long measureTo = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
        long[] completed = new long[1];
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch done = new CountDownLatch(connections);
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(type).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new Connection(port, path, payload, response,
                                events, measureFrom, measureTo, latency, firstByte, completed, each, done, failure));
                    }
                });
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                channels.add(bootstrap.connect("127.0.0.1", port).sync().channel());
            }
            if (!done.await(measureTo - System.nanoTime() + TimeUnit.SECONDS.toNanos(30), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("load did not finish; a request was lost");
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a connection failed: " + failure.get(), failure.get());
            }
            return new Result(completed[0], measureMillis / 1000.0, latency, firstByte);
        } finally {
            // Closed before the body is freed, so no write still holds it; freed, so the leak detector has no
            // report to make about the many runs of --translate.
            channels.forEach(c -> c.close().syncUninterruptibly());
            payload.unwrap().release();
        }
    }

    private static final class Connection extends SimpleChannelInboundHandler<HttpObject> {
        private final int port;
        private final String path;
        private final ByteBuf payload;
        private final String response;
        private final int events;
        private final long measureFrom;
        private final long measureTo;
        private final Histogram latency;
        private final Histogram firstByte;
        private final long[] completed;
        /** When not null, each latency in order, and the connection stops once it is full. */
        private final long[] each;
        private final CountDownLatch done;
        private final java.util.concurrent.atomic.AtomicReference<Throwable> failure;
        private long sentAt;
        private boolean sawByte;

        Connection(int port, String path, ByteBuf payload, String response, int events, long measureFrom, long measureTo,
                Histogram latency, Histogram firstByte, long[] completed, long[] each, CountDownLatch done,
                java.util.concurrent.atomic.AtomicReference<Throwable> failure) {
            this.port = port;
            this.path = path;
            this.payload = payload;
            this.response = response;
            this.events = events;
            this.measureFrom = measureFrom;
            this.measureTo = measureTo;
            this.latency = latency;
            this.firstByte = firstByte;
            this.completed = completed;
            this.each = each;
            this.done = done;
            this.failure = failure;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
        }

        private void send(ChannelHandlerContext ctx) {
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    payload.duplicate());
            request.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + port)
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, payload.readableBytes())
                    .set("anthropic-version", "2023-06-01")
                    .set("x-api-key", "sk-bench")
                    .set("x-bench-response", response);
            if (events > 0) {
                request.headers().setInt("x-bench-events", events);
            }
            sawByte = false;
            sentAt = System.nanoTime();
            ctx.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            long now = System.nanoTime();
            if (msg instanceof HttpResponse && ((HttpResponse) msg).status().code() != 200) {
                throw new IllegalStateException("unexpected answer " + ((HttpResponse) msg).status());
            }
            if (msg instanceof HttpContent && !sawByte && ((HttpContent) msg).content().isReadable()) {
                sawByte = true;
                if (sentAt >= measureFrom && now <= measureTo) {
                    firstByte.recordValue(now - sentAt);
                }
            }
            if (msg instanceof LastHttpContent) {
                if (sentAt >= measureFrom && now <= measureTo) {
                    latency.recordValue(now - sentAt);
                    if (each != null) {
                        each[(int) completed[0]] = now - sentAt;
                    }
                    completed[0]++;
                }
                if (now < measureTo && (each == null || completed[0] < each.length)) {
                    send(ctx);
                } else {
                    done.countDown();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure.compareAndSet(null, cause);
            ctx.close();
            done.countDown();
        }
    }
}
