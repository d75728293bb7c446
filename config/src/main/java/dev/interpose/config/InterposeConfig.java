package dev.interpose.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole effective configuration of one running proxy.
 *
 * @param listener       where to listen and request limits
 * @param upstreams      upstreams by name, in a stable order
 * @param routes         the config file's routes, tried in order before the built-in routing table
 * @param upstreamProxy  the default HTTP {@code CONNECT} proxy for the upstream leg, if any (each upstream
 *                       carries the one it actually uses)
 * @param drainTimeout   how long in-flight exchanges may finish after SIGTERM
 * @param logFormat      JSON lines or human text
 * @param commands       how slash commands expand
 * @param agents         how subagents run
 * @param cache          the response cache
 * @param modelAliases   the config file's model aliases, tried in order before the routes
 * @param modelNames     what the short model names ({@code sonnet}...) stand for at each family of upstream
 */
public record InterposeConfig(
        ListenerConfig listener,
        Map<String, UpstreamConfig> upstreams,
        List<RouteConfig> routes,
        Optional<URI> upstreamProxy,
        Duration drainTimeout,
        LogFormat logFormat,
        CommandsConfig commands,
        AgentsConfig agents,
        CacheConfig cache,
        List<ModelAlias> modelAliases,
        ModelNames modelNames) {

    /** A configuration with the default command settings. */
    public InterposeConfig(ListenerConfig listener, Map<String, UpstreamConfig> upstreams, List<RouteConfig> routes,
            Optional<URI> upstreamProxy, Duration drainTimeout, LogFormat logFormat) {
        this(listener, upstreams, routes, upstreamProxy, drainTimeout, logFormat, CommandsConfig.DEFAULT,
                AgentsConfig.DEFAULT);
    }

    /** A configuration with the cache off. */
    public InterposeConfig(ListenerConfig listener, Map<String, UpstreamConfig> upstreams, List<RouteConfig> routes,
            Optional<URI> upstreamProxy, Duration drainTimeout, LogFormat logFormat, CommandsConfig commands,
            AgentsConfig agents) {
        this(listener, upstreams, routes, upstreamProxy, drainTimeout, logFormat, commands, agents, CacheConfig.DEFAULT);
    }

    /** A configuration without model aliases, with the default model names. */
    public InterposeConfig(ListenerConfig listener, Map<String, UpstreamConfig> upstreams, List<RouteConfig> routes,
            Optional<URI> upstreamProxy, Duration drainTimeout, LogFormat logFormat, CommandsConfig commands,
            AgentsConfig agents, CacheConfig cache) {
        this(listener, upstreams, routes, upstreamProxy, drainTimeout, logFormat, commands, agents, cache, List.of(),
                ModelNames.DEFAULT);
    }

    /** Checks each value against its key in {@link ConfigTable}. */
    public InterposeConfig {
        Objects.requireNonNull(listener, "listener");
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        routes = List.copyOf(routes);
        ConfigTable.DRAIN_TIMEOUT.check(drainTimeout);
        ConfigTable.UPSTREAM_PROXY.check(upstreamProxy);
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(agents, "agents");
        Objects.requireNonNull(cache, "cache");
        modelAliases = List.copyOf(modelAliases);
        Objects.requireNonNull(modelNames, "modelNames");
        for (ModelAlias alias : modelAliases) {
            String named = alias.upstream().orElse(null);
            if (named != null && !upstreams.containsKey(named)) {
                throw new IllegalArgumentException("model alias " + alias.match() + ": no upstream named " + named);
            }
        }
    }

    /** The same configuration with these model aliases and names. */
    public InterposeConfig withModels(List<ModelAlias> aliases, ModelNames names) {
        return new InterposeConfig(listener, upstreams, routes, upstreamProxy, drainTimeout, logFormat, commands, agents,
                cache, aliases, names);
    }

    /** The upstream of that name; the loader guarantees the built-in names exist. */
    public UpstreamConfig upstream(String name) {
        UpstreamConfig upstream = upstreams.get(name);
        if (upstream == null) {
            throw new IllegalArgumentException("no upstream named " + name);
        }
        return upstream;
    }
}
