package dev.interpose.proxy.upstream;

import dev.interpose.config.UpstreamConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.AbstractChannelPoolMap;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.ChannelPoolMap;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Connections to one upstream: a keep-alive pool per event loop, so an exchange gets a channel on its own
 * client's loop and no lock is shared between loops. Thread-safe; pools are created on first use.
 */
public final class UpstreamClient {
    private static final int MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

    private final UpstreamConfig config;
    private final ChannelPoolMap<EventLoop, SimpleChannelPool> pools;

    /**
     * @param template  a bootstrap with the channel type and options shared by all upstreams
     * @param resolver  non-blocking DNS for the upstream's host
     * @param sslContext client TLS context, used when the upstream URL is https
     * @param proxy     an HTTP CONNECT proxy for this leg, if any
     */
    public UpstreamClient(UpstreamConfig config, Bootstrap template, AddressResolverGroup<? extends SocketAddress> resolver,
            SslContext sslContext, Optional<URI> proxy) {
        this.config = config;
        // Unresolved: the resolver (or, through a CONNECT proxy, the proxy itself) resolves the host.
        SocketAddress remote = InetSocketAddress.createUnresolved(config.url().getHost(), config.port());
        PoolHandler handler = new PoolHandler(config, sslContext, proxy);
        this.pools = new AbstractChannelPoolMap<>() {
            @Override
            protected SimpleChannelPool newPool(EventLoop loop) {
                Bootstrap bootstrap = template.clone(loop)
                        .remoteAddress(remote)
                        .resolver(proxy.isPresent() ? NoopAddressResolverGroup.INSTANCE : resolver)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
                return new BoundedPool(bootstrap, handler, config.maxIdleConnections());
            }
        };
    }

    public UpstreamConfig config() {
        return config;
    }

    /** A channel on {@code loop}, pooled or newly connected; its pipeline ends in the upstream handler. */
    public Future<Channel> acquire(EventLoop loop) {
        return pools.get(loop).acquire(loop.newPromise());
    }

    /**
     * Hands the channel to {@code owner}.
     *
     * @return how many exchanges used the channel before (0 for a new connection)
     */
    public static int attach(Channel channel, UpstreamListener owner) {
        return channel.pipeline().get(UpstreamHandler.class).attach(owner);
    }

    /** Returns a channel whose response was read to the end to its loop's pool for the next exchange. */
    public void release(Channel channel) {
        channel.pipeline().get(UpstreamHandler.class).detach();
        pools.get(channel.eventLoop()).release(channel);
    }

    /** Drops a channel that must not be reused (a cancelled or broken exchange): it is closed, not pooled. */
    public void discard(Channel channel) {
        UpstreamHandler handler = channel.pipeline().get(UpstreamHandler.class);
        if (handler != null) {
            handler.detach();
        }
        channel.close();
        pools.get(channel.eventLoop()).release(channel);
    }

    /** A pool that keeps at most {@code maxIdle} idle channels; the ones beyond are closed. */
    private static final class BoundedPool extends SimpleChannelPool {
        private final int maxIdle;
        private final AtomicInteger idle = new AtomicInteger();

        BoundedPool(Bootstrap bootstrap, PoolHandler handler, int maxIdle) {
            super(bootstrap, handler, ChannelHealthChecker.ACTIVE, true, true);
            this.maxIdle = maxIdle;
        }

        @Override
        protected Channel pollChannel() {
            Channel channel = super.pollChannel();
            if (channel != null) {
                idle.decrementAndGet();
            }
            return channel;
        }

        @Override
        protected boolean offerChannel(Channel channel) {
            if (idle.get() >= maxIdle) {
                return false;
            }
            idle.incrementAndGet();
            return super.offerChannel(channel);
        }
    }

    /** Builds each new upstream pipeline and flips auto-read as a channel enters and leaves the pool. */
    private static final class PoolHandler extends AbstractChannelPoolHandler {
        private final UpstreamConfig config;
        private final SslContext sslContext;
        private final Optional<URI> proxy;

        PoolHandler(UpstreamConfig config, SslContext sslContext, Optional<URI> proxy) {
            this.config = config;
            this.sslContext = sslContext;
            this.proxy = proxy;
        }

        @Override
        public void channelCreated(Channel ch) {
            ch.config().setAutoRead(false);
            if (proxy.isPresent()) {
                URI p = proxy.get();
                int port = p.getPort() != -1 ? p.getPort() : "https".equalsIgnoreCase(p.getScheme()) ? 443 : 80;
                HttpProxyHandler connect = new HttpProxyHandler(new InetSocketAddress(p.getHost(), port));
                connect.setConnectTimeoutMillis(config.connectTimeout().toMillis());
                ch.pipeline().addLast("connect-proxy", connect);
            }
            if (config.secure()) {
                SslHandler ssl = sslContext.newHandler(ch.alloc(), config.url().getHost(), config.port());
                SSLEngine engine = ssl.engine();
                SSLParameters params = engine.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(params);
                ch.pipeline().addLast("tls", ssl);
            }
            ch.pipeline().addLast("http", new HttpClientCodec(4096, MAX_RESPONSE_HEADER_BYTES, 65536, true));
            ch.pipeline().addLast("upstream", new UpstreamHandler());
        }

        @Override
        public void channelAcquired(Channel ch) {
            ch.config().setAutoRead(false);
        }

        @Override
        public void channelReleased(Channel ch) {
            // While idle, read, so that a close by the upstream is noticed before the channel is reused.
            ch.config().setAutoRead(true);
        }
    }
}
