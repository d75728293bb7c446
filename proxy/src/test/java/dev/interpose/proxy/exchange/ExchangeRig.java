package dev.interpose.proxy.exchange;

import dev.interpose.config.BulkheadConfig;
import dev.interpose.config.CacheConfig;
import dev.interpose.config.Dialect;
import dev.interpose.config.RetryConfig;
import dev.interpose.config.TlsConfig;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.NoResolving;
import dev.interpose.proxy.cache.CacheKey;
import dev.interpose.proxy.cache.CacheMetrics;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.hook.ResponseHooks;
import dev.interpose.proxy.log.AccessLog;
import dev.interpose.proxy.metrics.ProxyMetrics;
import dev.interpose.proxy.route.ClientKind;
import dev.interpose.proxy.route.Route;
import dev.interpose.proxy.upstream.Bulkhead;
import dev.interpose.proxy.upstream.UpstreamClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An exchange between two kinds of {@link EmbeddedChannel}: the client (with the response encoder, so what it
 * received reads as the bytes a client would see) and each upstream connection the exchange opens (a real
 * {@link UpstreamClient} whose bootstrap makes embedded channels on the client's event loop, with the real
 * upstream codec and handler). Time on the client's loop is frozen: timers and back-offs fire only when a test
 * advances it.
 */
final class ExchangeRig {
    static final String BODY = "{\"model\":\"claude-x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final EmbeddedChannel client = new EmbeddedChannel(new HttpResponseEncoder());
    /** Every upstream connection opened, in order. */
    final List<EmbeddedChannel> upstreams = new ArrayList<>();
    final Map<String, Bulkhead> bulkheads = new LinkedHashMap<>();
    final ResponseCache cache = new ResponseCache(CacheConfig.DEFAULT, new CacheMetrics(registry));
    private final Map<String, UpstreamClient> clients = new LinkedHashMap<>();
    private final Map<String, UpstreamConfig> configs = new LinkedHashMap<>();
    private final StringBuilder received = new StringBuilder();
    int ends;

    ExchangeRig() {
        client.freezeTime();
    }

    /** Adds an upstream named {@code name}, with at most {@code slots} requests in flight. */
    ExchangeRig upstream(String name, RetryConfig retry, int slots, List<String> fallback) {
        UpstreamConfig config = new UpstreamConfig(name, URI.create("http://" + name + ".test:80"), Dialect.ANTHROPIC,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30), 4, Optional.empty(),
                TlsConfig.DEFAULT, dev.interpose.config.BreakerConfig.DEFAULT, retry,
                new BulkheadConfig(slots, Duration.ofSeconds(10)), fallback);
        Bulkhead bulkhead = new Bulkhead(slots);
        Bootstrap template = new Bootstrap().channelFactory((ChannelFactory<Channel>) () -> {
            EmbeddedChannel upstream = new EmbeddedChannel(false, false);
            upstreams.add(upstream);
            return upstream;
        });
        clients.put(name, new UpstreamClient(config, template, new NoResolving(), null,
                Optional.empty(), null, bulkhead));
        configs.put(name, config);
        bulkheads.put(name, bulkhead);
        return this;
    }

    ExchangeRig upstream(String name) {
        return upstream(name, new RetryConfig(1, Duration.ofMillis(100), Duration.ofSeconds(1)), 8, List.of());
    }

    ExchangeContext context() {
        return new ExchangeContext(clients, new ProxyMetrics(registry), new AccessLog(), cache);
    }

    RequestInfo info(String upstream, boolean keepAlive, boolean http11) {
        Route route = new Route("default", configs.get(upstream), Dialect.ANTHROPIC);
        return new RequestInfo("req-1", ClientKind.CLAUDE, route, "POST", "/v1/messages", "/v1/messages", "claude-x",
                null, BODY.length(), keepAlive, http11, System.nanoTime());
    }

    static FullHttpRequest request() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/messages",
                Unpooled.copiedBuffer(BODY, StandardCharsets.UTF_8));
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").set("x-api-key", "k");
        return request;
    }

    Exchange exchange(String upstream, ResponseHooks.Tap tap, ResponseCache.Ticket ticket) {
        return new Exchange(context(), client, request(), info(upstream, true, true), tap, ticket, () -> ends++);
    }

    Exchange exchange(String upstream) {
        return exchange(upstream, null, null);
    }

    CacheKey key() {
        return cache.keys().key(Dialect.ANTHROPIC, "a http://a.test:80", "POST", "/v1/messages", "claude-x",
                request().headers(), BODY.getBytes(StandardCharsets.UTF_8));
    }

    /** Runs what is due on the client's loop (connections, closes, hand-backs) until nothing is left. */
    void run() {
        for (int i = 0; i < 4; i++) {
            client.runPendingTasks();
            for (EmbeddedChannel upstream : upstreams) {
                upstream.runPendingTasks();
            }
        }
    }

    /** Advances the client loop's clock (timers, back-offs, waits) and runs what became due. */
    void advance(Duration by) {
        client.advanceTimeBy(by.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        run();
    }

    /** The upstream connection {@code i}; fails when it was never opened. */
    EmbeddedChannel upstreamConnection(int i) {
        if (upstreams.size() <= i) {
            throw new AssertionError("upstream connection " + i + " was never opened; opened: " + upstreams.size());
        }
        return upstreams.get(i);
    }

    /** What upstream connection {@code i} was sent so far, as text. */
    String sentUpstream(int i) {
        StringBuilder out = new StringBuilder();
        ByteBuf chunk;
        while ((chunk = upstreamConnection(i).readOutbound()) != null) {
            out.append(chunk.toString(StandardCharsets.UTF_8));
            chunk.release();
        }
        return out.toString();
    }

    /** The upstream's bytes, as they arrive on connection {@code i}. */
    void answer(int i, String raw) {
        upstreamConnection(i).writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
        run();
    }

    /** Everything the client received so far, as text. */
    String received() {
        ByteBuf chunk;
        while ((chunk = client.readOutbound()) != null) {
            received.append(chunk.toString(StandardCharsets.UTF_8));
            chunk.release();
        }
        return received.toString();
    }

    /**
     * Ends every channel, once what the client received and what the upstreams were sent is read; false when
     * none of them had anything else left (all of it is released either way).
     */
    boolean finish() {
        run();
        boolean left = false;
        for (int i = 0; i < upstreams.size(); i++) {
            sentUpstream(i);
            left |= upstreams.get(i).finishAndReleaseAll();
        }
        received();
        return client.finishAndReleaseAll() | left;
    }
}
