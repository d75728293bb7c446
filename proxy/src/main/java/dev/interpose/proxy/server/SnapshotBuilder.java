package dev.interpose.proxy.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.interpose.commands.Catalog;
import dev.interpose.commands.Expander;
import dev.interpose.config.AgentDefinition;
import dev.interpose.config.AgentsConfig;
import dev.interpose.config.CommandDefinition;
import dev.interpose.config.Extension;
import dev.interpose.config.FrontMatter;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.Secrets;
import dev.interpose.config.TlsConfig;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.hooks.Hook;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.hooks.Plugins;
import dev.interpose.hooks.ScriptHook;
import dev.interpose.proxy.agent.AgentLimiter;
import dev.interpose.proxy.agent.AgentRunner;
import dev.interpose.proxy.cache.CacheMetrics;
import dev.interpose.proxy.client.ServerContext;
import dev.interpose.proxy.cache.ResponseCache;
import dev.interpose.proxy.exchange.ExchangeContext;
import dev.interpose.proxy.hook.HookLog;
import dev.interpose.proxy.hook.Hooks;
import dev.interpose.proxy.hook.RequestHooks;
import dev.interpose.proxy.hook.ResponseHooks;
import dev.interpose.proxy.hook.SlashCommands;
import dev.interpose.proxy.log.AccessLog;
import dev.interpose.proxy.metrics.ProxyMetrics;
import dev.interpose.proxy.upstream.Breakers;
import dev.interpose.proxy.upstream.UpstreamClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds each configuration {@link ServerContext.Snapshot}: the upstream clients, the hooks, the slash commands
 * and their agents, the response cache, and the meters they record to. Owns what outlives one snapshot: the
 * circuit breakers, the cache while its settings hold, the plugin jars loaded, the sessions seen, the subagent
 * limit, and the executor hooks, commands and agents run on (never an event loop). Called on the main thread
 * at startup and on the watcher's thread on reload, one call at a time.
 */
final class SnapshotBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotBuilder.class);

    private final Path projectDir;
    private final PrometheusMeterRegistry registry;
    /** What the breakers and the cache TTL read; the system's outside tests. */
    private final TimeSource time;
    /** Upstream connections: the channel type and options; the event loop is the client's. */
    private final Bootstrap template;
    private final DnsAddressResolverGroup resolver;
    /** The client TLS context for the JVM's trust store, shared by every upstream that asks nothing else. */
    private final SslContext tls;
    private final ProxyMetrics metrics;
    private final AccessLog accessLog = new AccessLog();
    private final HookLog hookLog;
    /** Hook processes and the threads that feed and drain them: never an event loop. */
    private final ExecutorService hookExecutor = Executors.newCachedThreadPool(daemon("interpose-hook"));
    /** Circuit breakers by upstream, across reloads. */
    private final Breakers breakers;
    /** The response cache, across reloads while its settings hold, and its meters. */
    private final CacheMetrics cacheMetrics;
    private ResponseCache cache;
    /** Subagent calls in flight, proxy-wide, across reloads. */
    private final AgentLimiter agentLimiter = new AgentLimiter(AgentsConfig.DEFAULT.maxConcurrent());
    /** Subagent calls go back through this proxy's own listener, known once it is bound. */
    private final HttpClient agentHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private volatile URI self = URI.create("http://127.0.0.1:0");
    private final String agentToken = UUID.randomUUID().toString();
    /** Plugin jars loaded, by path and version; a replaced jar's old version stays loaded for requests in flight. */
    private final Map<String, Plugins.Plugin> plugins = new ConcurrentHashMap<>();
    /** Sessions seen, for SessionStart; kept across reloads. */
    private final Cache<String, Boolean> sessions = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(24)).build();
    /** The subagents' types, for SubagentStart and SubagentStop; kept across reloads. */
    private final dev.interpose.proxy.hook.SubagentTypes subagentTypes = new dev.interpose.proxy.hook.SubagentTypes();

    /**
     * @param projectDir where hooks run and what they are told is the project
     * @param template   the bootstrap upstream connections start from
     */
    SnapshotBuilder(Path projectDir, PrometheusMeterRegistry registry, TimeSource time, Bootstrap template,
            DnsAddressResolverGroup resolver) throws SSLException {
        this.projectDir = projectDir;
        this.registry = registry;
        this.time = time;
        this.template = template;
        this.resolver = resolver;
        this.tls = SslContextBuilder.forClient().build();
        this.breakers = new Breakers(registry, time.clock());
        this.cacheMetrics = new CacheMetrics(registry);
        this.hookLog = new HookLog(registry);
        this.metrics = new ProxyMetrics(registry);
    }

    /** The first snapshot: everything built from {@code config} and {@code extensions}. */
    ServerContext.Snapshot first(InterposeConfig config, List<Extension> extensions) throws SSLException {
        return new ServerContext.Snapshot(config, exchanges(config), extensions, hooks(extensions),
                commands(config, extensions));
    }

    /**
     * The snapshot that follows {@code current}: the upstream clients (and their pooled connections) are kept when
     * the configuration is unchanged, the hooks when the extensions are; the commands are always read again.
     *
     * @throws SSLException when a TLS option cannot be applied; nothing is built then
     */
    ServerContext.Snapshot next(ServerContext.Snapshot current, InterposeConfig config, List<Extension> extensions)
            throws SSLException {
        ExchangeContext exchanges = config.equals(current.config()) ? current.exchanges() : exchanges(config);
        Hooks hooks = extensions.equals(current.extensions()) ? current.hooks() : hooks(extensions);
        return new ServerContext.Snapshot(config, exchanges, extensions, hooks, commands(config, extensions));
    }

    /** Subagent calls go to this address from now on: the listener's, once bound. */
    void selfAt(URI address) {
        self = address;
    }

    /** The proxy's meters, shared by every snapshot. */
    ProxyMetrics metrics() {
        return metrics;
    }

    /** Stops the hook processes' threads; called once, when the server stops. */
    void close() {
        hookExecutor.shutdownNow();
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
                hooks.addAll(plugin(e).hooks());
            }
        }
        List<Hook> notCodexs = hooks.stream().filter(h -> !(h instanceof ScriptHook s && s.codexRunsIt())).toList();
        return hooks(hooks, notCodexs.size() == hooks.size() ? null : hooks(notCodexs, null));
    }

    private Hooks hooks(List<Hook> hooks, Hooks forCodex) {
        HookPipeline pipeline = new HookPipeline(hooks, hookExecutor);
        return new Hooks(new RequestHooks(pipeline, projectDir, hookExecutor, sessions, hookLog, subagentTypes),
                new ResponseHooks(pipeline, projectDir, hookExecutor, hookLog, subagentTypes), forCodex);
    }

    /** The plugin jar of {@code e}: loaded once per version, not on every reload. */
    private Plugins.Plugin plugin(Extension e) {
        String key = e.file() + "@" + e.version();
        Plugins.Plugin plugin = plugins.get(key);
        if (plugin == null) {
            plugin = Plugins.load(e.file());
            plugins.put(key, plugin);
            if (plugin.error() != null) {
                LOG.warn("plugin {} failed to load from {}: {}", e.name(), e.file(), Secrets.mask(plugin.error()));
            } else {
                LOG.info("plugin {} loaded: {}", e.name(), plugin.hooks().stream().map(Hook::name).toList());
            }
        }
        return plugin;
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
        agentLimiter.setCap(config.agents().maxConcurrent());
        AgentRunner runner = new AgentRunner(agents(extensions), config.agents(), agentLimiter, agentHttp, () -> self,
                agentToken, registry, hookExecutor);
        return new SlashCommands(new Catalog(commands, failed), new Expander(projectDir, config.commands(),
                hookExecutor), runner, registry);
    }

    /** The agents of these extensions: each agent file that loaded and is not hidden, read again. */
    private static List<AgentDefinition> agents(List<Extension> extensions) {
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
        return agents;
    }

    /** A client for each upstream, the cache (kept while its settings hold), the meters and the access log. */
    private ExchangeContext exchanges(InterposeConfig config) throws SSLException {
        Map<String, UpstreamClient> upstreams = new LinkedHashMap<>();
        for (UpstreamConfig upstream : config.upstreams().values()) {
            upstreams.put(upstream.name(), new UpstreamClient(upstream, template, resolver, tlsFor(upstream.tls()),
                    upstream.proxy(), breakers.of(upstream), breakers.bulkhead(upstream)));
        }
        if (cache == null || !cache.serves(config.cache())) {
            cache = new ResponseCache(config.cache(), cacheMetrics, time.ticker()); // the old one's entries go with it
        }
        return new ExchangeContext(upstreams, metrics, accessLog, cache);
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

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, …: they never keep the JVM up. */
    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
