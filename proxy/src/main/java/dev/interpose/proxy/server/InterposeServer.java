package dev.interpose.proxy.server;

import dev.interpose.config.Extension;
import dev.interpose.config.InterposeConfig;
import dev.interpose.proxy.client.ClientInitializer;
import dev.interpose.proxy.client.PeerUids;
import dev.interpose.proxy.client.PeerUsers;
import dev.interpose.proxy.client.ProcNetTcp;
import dev.interpose.proxy.client.ServerContext;
import dev.interpose.proxy.upstream.UpstreamClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: binds the listener, owns the event loops (epoll where available, else NIO), and drains
 * gracefully on {@link #stop}; a reload swaps in the next snapshot, which a {@link SnapshotBuilder} builds. Start
 * and stop are called from the main thread, never from an event loop.
 */
public final class InterposeServer {
    private static final Logger LOG = LoggerFactory.getLogger(InterposeServer.class);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    private final InterposeConfig config;
    private final ServerContext server;
    private final SnapshotBuilder snapshots;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final DnsAddressResolverGroup resolver;
    private Channel listening;
    /** Looks up who owns each client connection (a read of /proc/net/tcp): never an event loop. */
    private final ExecutorService peerExecutor = Executors.newFixedThreadPool(2,
            SnapshotBuilder.daemon("interpose-peer"));
    private final PeerUsers users;

    /** Builds the server without extensions; nothing is bound until {@link #start}. */
    public InterposeServer(InterposeConfig config, PrometheusMeterRegistry registry) throws SSLException {
        this(config, List.of(), Path.of("").toAbsolutePath(), registry);
    }

    /**
     * Builds the server; nothing is bound until {@link #start}.
     *
     * @param projectDir where hooks run and what they are told is the project
     */
    public InterposeServer(InterposeConfig config, List<Extension> extensions, Path projectDir,
            PrometheusMeterRegistry registry) throws SSLException {
        this(config, extensions, projectDir, registry, TimeSource.SYSTEM);
    }

    /** As above, with the breakers and the cache TTL reading {@code time} (a test's, which it advances). */
    public InterposeServer(InterposeConfig config, List<Extension> extensions, Path projectDir,
            PrometheusMeterRegistry registry, TimeSource time) throws SSLException {
        this(config, extensions, projectDir, registry, ProcNetTcp.system().orElse(null), time);
    }

    /** As above, finding who owns a client connection with {@code owners} (null: no way to tell here). */
    InterposeServer(InterposeConfig config, List<Extension> extensions, Path projectDir,
            PrometheusMeterRegistry registry, PeerUids owners) throws SSLException {
        this(config, extensions, projectDir, registry, owners, TimeSource.SYSTEM);
    }

    private InterposeServer(InterposeConfig config, List<Extension> extensions, Path projectDir,
            PrometheusMeterRegistry registry, PeerUids owners, TimeSource time) throws SSLException {
        this.config = config;
        this.users = PeerUsers.of(owners, ProcNetTcp.selfUid(Path.of("/proc/self/status")), peerExecutor);
        boolean epoll = Epoll.isAvailable();
        acceptor = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        // One loop per core: the work is all non-blocking, more threads would only add context switches.
        int loops = Runtime.getRuntime().availableProcessors();
        workers = epoll ? new EpollEventLoopGroup(loops) : new NioEventLoopGroup(loops);
        serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends SocketChannel> socketChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        Class<? extends DatagramChannel> datagram = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder().channelType(datagram));
        Bootstrap template = new Bootstrap()
                .channel(socketChannel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        snapshots = new SnapshotBuilder(projectDir, registry, time, template, resolver);
        server = new ServerContext(snapshots.first(config, extensions), registry);
    }

    /** The configuration new requests use. */
    public InterposeConfig config() {
        return server.snapshot().config();
    }

    /** The extensions new requests use. */
    public List<Extension> extensions() {
        return server.snapshot().extensions();
    }

    /**
     * Applies a new configuration to every request that arrives from now on; requests in flight finish
     * with the one they started with. The replaced upstream clients stop pooling connections. The
     * listener's address cannot change without a restart; its limits apply to new connections.
     *
     * @return false when the listener's host or port changed (ignored until restart)
     * @throws SSLException when a TLS option cannot be applied; nothing changed then
     */
    public boolean reconfigure(InterposeConfig next) throws SSLException {
        return reconfigure(next, extensions());
    }

    /**
     * As {@link #reconfigure(InterposeConfig)}, with these extensions. When the configuration is unchanged
     * (only extension files were edited), the upstream clients and their pooled connections are kept.
     */
    public boolean reconfigure(InterposeConfig next, List<Extension> extensions) throws SSLException {
        ServerContext.Snapshot current = server.snapshot();
        boolean sameConfig = next.equals(current.config());
        ServerContext.Snapshot previous = server.swap(snapshots.next(current, next, extensions));
        if (!sameConfig) {
            previous.exchanges().upstreams().values().forEach(UpstreamClient::retire);
        }
        var was = previous.config().listener();
        var now = next.listener();
        return was.host().equals(now.host()) && was.port() == now.port();
    }
    /** Binds the listener and returns the address actually bound (the port is chosen when 0 was asked). */
    public InetSocketAddress start() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ClientInitializer(server, clients, users));
        listening = bootstrap.bind(config.listener().host(), config.listener().port()).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) listening.localAddress();
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : bound.getAddress() instanceof Inet6Address ? "[" + bound.getAddress().getHostAddress() + "]"
                : bound.getAddress().getHostAddress();
        snapshots.selfAt(URI.create("http://" + host + ":" + bound.getPort()));
        if (config.listener().allowOtherUsers()) {
            LOG.warn("listener.allow-other-users: true: other users of this machine may use this proxy, with this "
                    + "user's commands, agents and upstreams");
        } else if (!users.available()) {
            LOG.warn("cannot tell which user of this machine owns a connection here (no /proc/net/tcp): other users "
                    + "of this machine can use this proxy");
        }
        return bound;
    }

    /**
     * Stops accepting, lets exchanges in flight finish for up to {@code drain}, then closes every connection
     * and the event loops.
     *
     * @return true when every request in flight finished within the drain time
     */
    public boolean stop(Duration drain) throws InterruptedException {
        if (!stopped.compareAndSet(false, true)) {
            return true; // a second stop (a second SIGTERM, a test's close after its own stop): already done
        }
        server.startDraining();
        if (listening != null) {
            listening.close().sync();
        }
        long deadline = System.nanoTime() + drain.toNanos();
        // Every request from its arrival, not just the exchanges: one still with its hooks, its subagents or its
        // cache key has no exchange yet, and would be cut off.
        while (busy() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20); // main thread only: the event loops keep streaming meanwhile
        }
        boolean drained = !busy();
        clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        resolver.close();
        snapshots.close();
        peerExecutor.shutdownNow();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        return drained;
    }

    private boolean busy() {
        return server.inFlight() > 0 || snapshots.metrics().activeExchanges() > 0;
    }
}
