package dev.interpose.proxy.upstream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.body.Limits;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Connections to one upstream: a keep-alive pool per event loop, so an exchange gets a channel on its own
 * client's loop and no lock or atomic is shared between loops. Each loop's pool is a plain deque touched
 * only from that loop; the map of pools is built lazily, once per loop.
 */
public final class UpstreamClient {
    private final UpstreamConfig config;
    private final Bootstrap template;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final SslContext sslContext;
    private final Optional<URI> proxy;
    private final SocketAddress remote;
    private final Map<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    /** Set when a reload replaced this client: channels are no longer pooled. */
    private volatile boolean retired;

    /**
     * @param template   a bootstrap with the channel type and options shared by all upstreams
     * @param resolver   non-blocking DNS for the upstream's host
     * @param sslContext client TLS context, used when the upstream URL is https
     * @param proxy      an HTTP CONNECT proxy for this leg, if any
     * @param breaker    the upstream's circuit breaker, or null for none
     * @param bulkhead   the upstream's cap on requests in flight
     */
    public UpstreamClient(UpstreamConfig config, Bootstrap template,
            AddressResolverGroup<? extends SocketAddress> resolver, SslContext sslContext, Optional<URI> proxy,
            CircuitBreaker breaker, Bulkhead bulkhead) {
        this.config = config;
        this.breaker = breaker;
        this.bulkhead = bulkhead;
        this.template = template;
        this.resolver = proxy.isPresent() ? NoopAddressResolverGroup.INSTANCE : resolver;
        this.sslContext = sslContext;
        this.proxy = proxy;
        // Unresolved: the resolver (or, through a CONNECT proxy, the proxy itself) resolves the host.
        this.remote = InetSocketAddress.createUnresolved(config.url().getHost(), config.port());
    }

    public UpstreamConfig config() {
        return config;
    }

    /**
     * A channel on {@code loop}: an idle pooled one when there is one, else a new connection. Must be
     * called on {@code loop}.
     */
    public Future<Channel> acquire(EventLoop loop) {
        Promise<Channel> promise = loop.newPromise();
        LoopPool pool = pools.computeIfAbsent(loop, l -> new LoopPool());
        Channel idle;
        while ((idle = pool.idle.pollLast()) != null) {
            if (idle.isActive()) {
                return promise.setSuccess(idle);
            }
        }
        Bootstrap bootstrap = template.clone(loop)
                .resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        initPipeline(ch);
                    }
                });
        bootstrap.connect(remote).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                promise.setSuccess(f.channel());
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /**
     * Hands the channel to {@code owner}.
     *
     * @return how many exchanges used the channel before (0 for a new connection)
     */
    public static int attach(Channel channel, UpstreamListener owner) {
        return channel.pipeline().get(UpstreamHandler.class).attach(owner);
    }

    /**
     * Returns a channel whose response was read to the end to its loop's pool; one whose framing is in doubt
     * (see {@link UpstreamCodec}) is closed instead, so its next request never reads another's bytes. Called
     * on its loop.
     */
    public void release(Channel channel) {
        channel.pipeline().get(UpstreamHandler.class).detach();
        channel.config().setAutoRead(true); // idle channels read, so an upstream's close is noticed
        LoopPool pool = pools.get(channel.eventLoop());
        if (retired || !channel.isActive() || !channel.pipeline().get(UpstreamCodec.class).reusable()
                || pool.idle.size() >= config.maxIdleConnections()) {
            channel.close();
            return;
        }
        pool.idle.addLast(channel); // one the upstream closes meanwhile is skipped at the next acquire
    }

    /**
     * Called when a reload replaced this client: closes its idle connections (each on its own loop) and
     * closes, rather than pools, those that exchanges still in flight give back. Thread-safe.
     */
    public void retire() {
        retired = true;
        pools.forEach((loop, pool) -> loop.execute(() -> {
            Channel idle;
            while ((idle = pool.idle.pollFirst()) != null) {
                idle.close();
            }
        }));
    }

    /** Drops a channel that must not be reused (a cancelled or broken exchange): closed, never pooled. */
    public void discard(Channel channel) {
        UpstreamHandler handler = channel.pipeline().get(UpstreamHandler.class);
        if (handler != null) {
            handler.detach();
        }
        channel.close();
    }

    private void initPipeline(Channel ch) {
        if (proxy.isPresent()) {
            URI p = proxy.get();
            int port = p.getPort() != -1 ? p.getPort() : "https".equalsIgnoreCase(p.getScheme()) ? 443 : 80;
            HttpProxyHandler connect = new HttpProxyHandler(new InetSocketAddress(p.getHost(), port));
            connect.setConnectTimeoutMillis(config.connectTimeout().toMillis());
            ch.pipeline().addLast("connect-proxy", connect);
        }
        if (config.secure()) {
            SslHandler ssl = sslContext.newHandler(ch.alloc(), config.url().getHost(), config.port());
            if (config.tls().verify()) {
                SSLEngine engine = ssl.engine();
                SSLParameters params = engine.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(params);
            }
            ch.pipeline().addLast("tls", ssl);
        }
        ch.pipeline().addLast("http",
                new UpstreamCodec(Limits.UPSTREAM_STATUS_LINE_BYTES, Limits.UPSTREAM_HEADER_BYTES, Limits.UPSTREAM_CHUNK_BYTES));
        ch.pipeline().addLast("upstream", new UpstreamHandler());
    }

    /** The idle channels of one event loop; touched only from that loop. */
    private static final class LoopPool {
        final ArrayDeque<Channel> idle = new ArrayDeque<>();
    }

    /** The upstream's circuit breaker, or null when it has none. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The upstream's cap on requests in flight. */
    public Bulkhead bulkhead() {
        return bulkhead;
    }
}
