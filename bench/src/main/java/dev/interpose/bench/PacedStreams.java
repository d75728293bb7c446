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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Many concurrent streams paced like a model's ({@code deltas} text deltas, {@code paceMs} apart, from the fake
 * upstream), all opened at once, each on its own connection: time from sending the request to the first delta,
 * the gaps between deltas as the client sees them, how many streams completed, and the peak resident memory of
 * the processes in between (sampled from {@code /proc} every 100 ms). All connections share one event loop.
 */
final class PacedStreams {
    private static final byte[] DELTA = "event: content_block_delta".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY = ("{\"model\":\"claude-bench\",\"stream\":true,\"max_tokens\":64,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8);

    /**
     * What one run of {@code streams} streams measured; RSS 0 when no process was sampled; {@code failures} says
     * why the others did not complete (empty when all did).
     */
    record Result(int streams, int completed, Histogram firstDelta, Histogram gap, long peakRssKiB, double seconds,
            String failures) {
        double firstMs(double percentile) {
            return firstDelta.getValueAtPercentile(percentile) / 1e6;
        }

        double gapMs(double percentile) {
            return gap.getValueAtPercentile(percentile) / 1e6;
        }
    }

    private PacedStreams() {
    }

    static Result run(EventLoopGroup loop, Class<? extends Channel> type, int port, int streams, int deltas, int paceMs,
            List<Long> pids, long timeoutMillis) throws InterruptedException {
        Histogram first = new Histogram(600_000_000_000L, 3);
        Histogram gap = new Histogram(600_000_000_000L, 3);
        int[] completed = new int[1];
        java.util.Map<String, Integer> failures = new java.util.TreeMap<>();
        CountDownLatch done = new CountDownLatch(streams);
        ByteBuf payload = Unpooled.unreleasableBuffer(Unpooled.directBuffer(BODY.length).writeBytes(BODY));
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(type).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(),
                                new Stream(port, payload, deltas, paceMs, first, gap, completed, failures, done));
                    }
                });
        long[] peak = new long[1];
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], rssKiB(pids));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-rss");
        sampler.setDaemon(true);
        sampler.start();
        long start = System.nanoTime();
        List<Channel> channels = new java.util.ArrayList<>(streams);
        try {
            for (int i = 0; i < streams; i++) {
                channels.add(bootstrap.connect("127.0.0.1", port).addListener(f -> {
                    if (!f.isSuccess()) {
                        failures.merge("not connected", 1, Integer::sum);
                        done.countDown();
                    }
                }).channel());
            }
            done.await(timeoutMillis, TimeUnit.MILLISECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            sampler.interrupt();
            sampler.join();
            int ok = loop.submit(() -> completed[0]).syncUninterruptibly().getNow();
            Histogram f = loop.submit(first::copy).syncUninterruptibly().getNow();
            Histogram g = loop.submit(gap::copy).syncUninterruptibly().getNow();
            String why = loop.submit(() -> {
                int unfinished = streams - ok - failures.values().stream().mapToInt(Integer::intValue).sum();
                if (unfinished > 0) {
                    failures.put("unfinished after " + timeoutMillis / 1000 + " s", unfinished);
                }
                return failures.toString();
            }).syncUninterruptibly().getNow();
            return new Result(streams, ok, f, g, peak[0], seconds, ok == streams ? "" : why);
        } finally {
            channels.forEach(c -> c.close().syncUninterruptibly());
            payload.unwrap().release();
        }
    }

    /** The summed VmRSS of the processes, in KiB; 0 for none. */
    static long rssKiB(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        sum += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (java.io.IOException | NumberFormatException gone) {
                // the process ended
            }
        }
        return sum;
    }

    /** One stream on its own connection; finds the deltas in the body whatever the chunking. */
    private static final class Stream extends SimpleChannelInboundHandler<HttpObject> {
        private final int port;
        private final ByteBuf payload;
        private final int deltas;
        private final int paceMs;
        private final Histogram first;
        private final Histogram gap;
        private final int[] completed;
        private final java.util.Map<String, Integer> failures;
        private final CountDownLatch done;
        private String state = "no answer";
        private long sentAt;
        private long lastDelta;
        private int seen;
        private int matched;
        private boolean ended;

        Stream(int port, ByteBuf payload, int deltas, int paceMs, Histogram first, Histogram gap, int[] completed,
                java.util.Map<String, Integer> failures, CountDownLatch done) {
            this.port = port;
            this.payload = payload;
            this.deltas = deltas;
            this.paceMs = paceMs;
            this.first = first;
            this.gap = gap;
            this.completed = completed;
            this.failures = failures;
            this.done = done;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/messages",
                    payload.duplicate());
            request.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + port)
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, payload.readableBytes())
                    .set("anthropic-version", "2023-06-01").set("x-api-key", "sk-bench")
                    .set("x-bench-response", "sse").setInt("x-bench-events", deltas).setInt("x-bench-pace-ms", paceMs);
            sentAt = System.nanoTime();
            ctx.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            long now = System.nanoTime();
            if (msg instanceof HttpResponse) {
                int status = ((HttpResponse) msg).status().code();
                state = status == 200 ? "cut short" : "status " + status;
                if (status != 200) {
                    end(ctx);
                    return;
                }
            }
            if (msg instanceof HttpContent) {
                ByteBuf content = ((HttpContent) msg).content();
                for (int i = content.readerIndex(); i < content.writerIndex(); i++) {
                    // A mismatch restarts the match: an SSE body holds no near-miss of this pattern that would need more.
                    byte b = content.getByte(i);
                    matched = b == DELTA[matched] ? matched + 1 : (b == DELTA[0] ? 1 : 0);
                    if (matched == DELTA.length) {
                        matched = 0;
                        if (seen++ == 0) {
                            first.recordValue(now - sentAt);
                        } else {
                            gap.recordValue(now - lastDelta);
                        }
                        lastDelta = now;
                    }
                }
            }
            if (msg instanceof LastHttpContent) {
                if (seen == deltas) {
                    completed[0]++;
                    state = null;
                }
                end(ctx);
            }
        }

        private void end(ChannelHandlerContext ctx) {
            if (!ended) {
                ended = true;
                if (state != null) {
                    failures.merge(state, 1, Integer::sum);
                }
                done.countDown();
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(ctx);
        }
    }
}
