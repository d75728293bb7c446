package dev.interpose.proxy.server;

import dev.interpose.commands.Catalog;
import dev.interpose.commands.Expander;
import dev.interpose.config.AgentDefinition;
import dev.interpose.config.AgentsConfig;
import dev.interpose.config.CommandDefinition;
import dev.interpose.proxy.agent.AgentLimiter;
import dev.interpose.proxy.agent.AgentRunner;
import java.net.URI;
import java.net.http.HttpClient;
import dev.interpose.config.Extension;
import dev.interpose.config.FrontMatter;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.TlsConfig;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.exchange.ExchangeContext;
import dev.interpose.proxy.log.AccessLog;
import dev.interpose.proxy.metrics.ProxyMetrics;
import dev.interpose.proxy.cache.CacheMetrics;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.upstream.Breakers;
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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.interpose.hooks.Hook;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.hooks.Plugins;
import dev.interpose.hooks.ScriptHook;
import dev.interpose.proxy.hook.HookLog;
import dev.interpose.proxy.hook.Hooks;
import dev.interpose.proxy.hook.RequestHooks;
import dev.interpose.proxy.hook.ResponseHooks;
import dev.interpose.proxy.hook.SlashCommands;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: binds the listener, owns the event loops (epoll where available, else NIO), the
 * upstream clients and the shared services, and drains gracefully on {@link #stop}. Start and stop are
 * called from the main thread, never from an event loop.
 */
public final class InterposeServer {
    private static final Logger LOG = LoggerFactory.getLogger(InterposeServer.class);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    private final InterposeConfig config;
    private final ServerContext server;
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    private final Bootstrap template;
    private final SslContext tls;
    private final ProxyMetrics metrics;
    private final AccessLog accessLog = new AccessLog();
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final DnsAddressResolverGroup resolver;
    private Channel listening;
    private final Path projectDir;
    private final HookLog hookLog;
    private final PrometheusMeterRegistry registry;
    /** Hook processes and the threads that feed and drain them: never an event loop. */
    private final ExecutorService hookExecutor = Executors.newCachedThreadPool(daemon("interpose-hook"));
    /** Looks up who owns each client connection (a read of /proc/net/tcp): never an event loop. */
    private final ExecutorService peerExecutor = Executors.newFixedThreadPool(2, daemon("interpose-peer"));
    private final PeerUsers users;
    /** What the breakers and the cache TTL read; the system's outside tests. */
    private final TimeSource time;
    /** Circuit breakers by upstream, across reloads. */
    private Breakers breakers;
    /** The response cache, across reloads while its settings hold, and its meters. */
    private final CacheMetrics cacheMetrics;
    private ResponseCache cache;
    /** Subagent calls in flight, proxy-wide, across reloads. */
    private final AgentLimiter agentLimiter = new AgentLimiter(AgentsConfig.DEFAULT.maxConcurrent());
    /** Subagent calls go back through this proxy's own listener, known once it is bound. */
    private final HttpClient agentHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private volatile URI self = URI.create("http://127.0.0.1:0");
    private final String agentToken = java.util.UUID.randomUUID().toString();
    /** Plugin jars loaded, by path and version; a replaced jar's old version stays loaded for requests in flight. */
    private final Map<String, Plugins.Plugin> plugins = new java.util.concurrent.ConcurrentHashMap<>();
    /** Sessions seen, for SessionStart; kept across reloads. */
    private final Cache<String, Boolean> sessions = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(24)).build();

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
        this.time = time;
        this.users = PeerUsers.of(owners, ProcNetTcp.selfUid(Path.of("/proc/self/status")), peerExecutor);
        this.projectDir = projectDir;
        this.registry = registry;
        this.breakers = new Breakers(registry, time.clock());
        this.cacheMetrics = new CacheMetrics(registry);
        this.hookLog = new HookLog(registry);
        this.config = config;
        boolean epoll = Epoll.isAvailable();
        acceptor = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        // One loop per core: the work is all non-blocking, more threads would only add context switches.
        int loops = Runtime.getRuntime().availableProcessors();
        workers = epoll ? new EpollEventLoopGroup(loops) : new NioEventLoopGroup(loops);
        serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends SocketChannel> socketChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        Class<? extends DatagramChannel> datagram = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder().channelType(datagram));

        tls = SslContextBuilder.forClient().build();
        template = new Bootstrap()
                .channel(socketChannel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        metrics = new ProxyMetrics(registry);
        server = new ServerContext(new ServerContext.Snapshot(config, exchanges(config), extensions, hooks(extensions),
                commands(config, extensions)), registry);
    }

    /** The hooks of these extensions: each script hook that loaded, and the Java hooks of each plugin jar. */
    private Hooks hooks(List<Extension> extensions) {
        List<Hook> hooks = new ArrayList<>();
        for (Extension e : extensions) {
            if (!e.loaded()) {
                continue;
            }
            if (e.hook() != null) {
                hooks.add(new ScriptHook(e.hook(), projectDir, hookExecutor));
            } else if (e.kind() == Extension.Kind.PLUGIN) {
                String key = e.file() + "@" + e.version();
                Plugins.Plugin plugin = plugins.get(key);
                if (plugin == null) {
                    plugin = Plugins.load(e.file());
                    plugins.put(key, plugin); // a jar loads once per version, not on every reload
                    if (plugin.error() != null) {
                        LOG.warn("plugin {} failed to load from {}: {}", e.name(), e.file(),
                                dev.interpose.config.Secrets.mask(plugin.error()));
                    } else {
                        LOG.info("plugin {} loaded: {}", e.name(), plugin.hooks().stream().map(Hook::name).toList());
                    }
                }
                hooks.addAll(plugin.hooks());
            }
        }
        HookPipeline pipeline = new HookPipeline(hooks, hookExecutor);
        return new Hooks(new RequestHooks(pipeline, projectDir, hookExecutor, sessions, hookLog),
                new ResponseHooks(pipeline, projectDir, hookExecutor, hookLog));
    }


    /** The slash commands of these extensions: each command file that loaded and is not hidden, read again. */
    private SlashCommands commands(InterposeConfig config, List<Extension> extensions) {
        List<CommandDefinition> commands = new ArrayList<>();
        int failed = 0;
        for (Extension e : extensions) {
            if (e.kind() != Extension.Kind.COMMAND || e.hiddenBy() != null) {
                continue;
            }
            if (!e.loaded()) {
                failed++;
                continue;
            }
            try {
                commands.add(CommandDefinition.read(e.name(), e.file()));
            } catch (FrontMatter.Invalid invalid) {
                failed++; // changed since it was found; the reload this change triggers reports it
            }
        }
        List<AgentDefinition> agents = new ArrayList<>();
        for (Extension e : extensions) {
            if (e.kind() == Extension.Kind.AGENT && e.loaded() && e.hiddenBy() == null) {
                try {
                    agents.add(AgentDefinition.read(e.name(), e.file()));
                } catch (FrontMatter.Invalid invalid) {
                    // changed since it was found; the reload this change triggers reports it
                }
            }
        }
        agentLimiter.setCap(config.agents().maxConcurrent());
        AgentRunner runner = new AgentRunner(agents, config.agents(), agentLimiter, agentHttp, () -> self, agentToken,
                registry, hookExecutor);
        return new SlashCommands(new Catalog(commands, failed), new Expander(projectDir, config.commands(),
                hookExecutor), runner, registry);
    }

    private ExchangeContext exchanges(InterposeConfig next) throws SSLException {
        Map<String, UpstreamClient> upstreams = new LinkedHashMap<>();
        for (UpstreamConfig upstream : next.upstreams().values()) {
            upstreams.put(upstream.name(), new UpstreamClient(upstream, template, resolver, tlsFor(upstream.tls()),
                    upstream.proxy(), breakers.of(upstream), breakers.bulkhead(upstream)));
        }
        if (cache == null || !cache.serves(next.cache())) {
            cache = new ResponseCache(next.cache(), cacheMetrics, time.ticker()); // the old one's entries go with it
        }
        return new ExchangeContext(upstreams, metrics, accessLog, cache);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The configuration new requests use. */
    public InterposeConfig config() {
        return server.snapshot().config();
    }

    /** The extensions new requests use. */
    public List<Extension> extensions() {
        return server.snapshot().extensions();
    }

    /** The shared client context for the JVM's trust store; a dedicated one for a CA file or no checks. */
    private SslContext tlsFor(TlsConfig options) throws SSLException {
        if (options.equals(TlsConfig.DEFAULT)) {
            return tls;
        }
        SslContextBuilder builder = SslContextBuilder.forClient();
        if (!options.verify()) {
            LOG.warn("TLS certificate checks are off for an upstream (tls.verify: false); use only for local tests");
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else {
            builder.trustManager(options.caFile().orElseThrow().toFile());
        }
        return builder.build();
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
        ExchangeContext exchanges = sameConfig ? current.exchanges() : exchanges(next);
        Hooks hooks = extensions.equals(current.extensions()) ? current.hooks() : hooks(extensions);
        ServerContext.Snapshot previous = server.swap(new ServerContext.Snapshot(next, exchanges, extensions, hooks,
                commands(next, extensions)));
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
                : bound.getAddress() instanceof java.net.Inet6Address ? "[" + bound.getAddress().getHostAddress() + "]"
                : bound.getAddress().getHostAddress();
        self = URI.create("http://" + host + ":" + bound.getPort());
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
        hookExecutor.shutdownNow();
        peerExecutor.shutdownNow();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        return drained;
    }

    private boolean busy() {
        return server.inFlight() > 0 || metrics.activeExchanges() > 0;
    }
}
