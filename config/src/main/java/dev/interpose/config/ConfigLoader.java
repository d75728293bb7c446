package dev.interpose.config;

import static dev.interpose.config.ConfigTable.*;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the effective {@link InterposeConfig}: the settings of every layer ({@link ConfigLayers}: built-in
 * defaults, config files, environment variables, command-line flags), each parsed by its key
 * ({@link ConfigValues}), then the rules that involve several keys, then the records. Every problem is
 * reported at once, a file's with its line and column.
 *
 * <p>Environment variables (read from the map given, never from {@code System.getenv}) and flags are
 * those {@link ConfigTable} names: {@code INTERPOSE_UPSTREAM_<NAME>} (base URL of upstream NAME, {@code -}
 * written {@code _}), {@code INTERPOSE_UPSTREAM_PROXY}, {@code INTERPOSE_LOG_FORMAT}.
 */
public final class ConfigLoader {
    private final ConfigLayers layers;
    private final ConfigValues values;
    private final Problems problems;

    private ConfigLoader(Map<String, String> env, Overrides flags, List<Path> files) {
        layers = ConfigLayers.of(env, flags, files);
        problems = layers.problems();
        values = ConfigValues.parse(layers);
    }

    /** Loads from defaults, environment and flags only (no config file). */
    public static InterposeConfig load(Map<String, String> env, Overrides flags) throws ConfigException {
        return load(env, flags, List.of());
    }

    /**
     * Loads the configuration.
     *
     * @param files config files in increasing precedence (user file, then project file)
     * @throws ConfigException listing every problem found
     */
    public static InterposeConfig load(Map<String, String> env, Overrides flags, List<Path> files)
            throws ConfigException {
        return new ConfigLoader(env, flags, files).build();
    }

    /** Every effective value with its source, for {@code interpose config show}; validates like {@link #load}. */
    public static Map<String, Setting> resolve(Map<String, String> env, Overrides flags, List<Path> files)
            throws ConfigException {
        ConfigLoader loader = new ConfigLoader(env, flags, files);
        loader.build();
        return Collections.unmodifiableMap(new LinkedHashMap<>(loader.layers.settings()));
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; null when it is none of these. */
    static Duration parseDuration(String raw) {
        return ValueType.parseDuration(raw);
    }

    private InterposeConfig build() throws ConfigException {
        for (String name : values.upstreamNames()) {
            fallbacks(name);
            Integer attempts = values.get(MAX_ATTEMPTS, name);
            Duration backoff = values.get(BACKOFF, name);
            Duration maxDelay = values.get(MAX_DELAY, name);
            String delay = attempts == null || backoff == null || maxDelay == null ? null
                    : RetryConfig.maxDelayProblem(attempts, backoff, maxDelay);
            if (delay != null) {
                problems.bad(MAX_DELAY.in(name), delay);
            }
        }
        Map<String, Optional<ApiKey>> keys = new LinkedHashMap<>();
        for (String name : values.upstreamNames()) {
            keys.put(name, apiKey(name));
        }
        List<String> ignore = values.get(CACHE_IGNORE);
        if (ignore != null && ignore.size() > MAX_IGNORE_RULES) {
            problems.bad(CACHE_IGNORE.name(), "at most " + MAX_IGNORE_RULES + " rules");
        }
        problems.throwIfAny();
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        for (String name : values.upstreamNames()) {
            upstreams.put(name, upstream(name, keys.get(name)));
        }
        return new InterposeConfig(listener(), upstreams, routes(), values.get(UPSTREAM_PROXY),
                values.get(DRAIN_TIMEOUT), values.get(LOG_FORMAT),
                new CommandsConfig(values.get(SHELL), values.get(SHELL_TIMEOUT), values.get(MAX_INCLUDE_BYTES)),
                new AgentsConfig(values.get(AGENTS_CONCURRENT), values.get(AGENTS_TIMEOUT),
                        values.get(AGENTS_DEADLINE), values.get(AGENTS_MAX_TOKENS)), cache(), aliases(),
                ModelNames.of(values.get(MODEL_NAMES_ANTHROPIC), values.get(MODEL_NAMES_OPENAI)));
    }

    /** An upstream's fallbacks: each another defined upstream of its dialect, named once. */
    private void fallbacks(String name) {
        List<String> fallback = values.get(FALLBACK, name);
        if (fallback == null) {
            return;
        }
        String key = FALLBACK.in(name);
        if (new HashSet<>(fallback).size() < fallback.size()) {
            problems.bad(key, "each upstream named once");
        }
        Dialect dialect = values.get(DIALECT, name);
        for (String alternate : fallback) {
            Dialect other = values.upstreamNames().contains(alternate) ? values.get(DIALECT, alternate) : null;
            if (other == null || alternate.equals(name)) {
                problems.bad(key, "names of other defined upstreams, comma-separated; \"" + alternate + "\" is not one");
            } else if (dialect != null && other != dialect) {
                problems.bad(key, "upstreams of the same dialect; " + alternate + " speaks "
                        + DIALECT.type().format(other));
            }
        }
    }

    private ListenerConfig listener() {
        return new ListenerConfig(values.get(HOST), values.get(PORT), values.get(MAX_HEADER_BYTES),
                values.get(MAX_BODY_BYTES), values.get(ALLOWED_HOSTS), values.get(ALLOWED_ORIGINS),
                values.get(REQUEST_TIMEOUT), values.get(ALLOW_OTHER_USERS));
    }

    /**
     * An upstream's own key, read from its variable or file now (at start and at every reload); empty when it
     * has none or it cannot be read, which is then a problem naming the key and the variable or file, never
     * what the file holds.
     */
    private Optional<ApiKey> apiKey(String name) {
        String variable = values.get(API_KEY_ENV, name);
        Optional<Path> file = values.get(API_KEY_FILE, name);
        String header = values.get(API_KEY_HEADER, name);
        boolean fromEnv = variable != null && !variable.isEmpty();
        boolean fromFile = file != null && file.isPresent();
        if (fromEnv && fromFile) {
            problems.bad(API_KEY_FILE.in(name), "either api-key-env or api-key-file, not both");
            return Optional.empty();
        }
        String headerName = header == null || header.isEmpty() ? null : header;
        if (!fromEnv && !fromFile) {
            if (headerName != null) {
                problems.bad(API_KEY_HEADER.in(name), "empty unless api-key-env or api-key-file is set");
            }
            return Optional.empty();
        }
        if (fromEnv) {
            String value = layers.environment().get(variable);
            if (value == null || value.isBlank()) {
                problems.bad(API_KEY_ENV.in(name), "the name of an environment variable set for the proxy; " + variable
                        + (value == null ? " is not set" : " is empty"));
                return Optional.empty();
            }
            return Optional.of(new ApiKey(value.strip(), "environment variable " + variable, headerName));
        }
        Path path = file.get();
        try {
            String value = java.nio.file.Files.readString(path).strip();
            if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                problems.bad(API_KEY_FILE.in(name), "a file holding the key on one line; " + path
                        + (value.isEmpty() ? " is empty" : " holds several lines"));
                return Optional.empty();
            }
            return Optional.of(new ApiKey(value, "file " + path, headerName));
        } catch (java.io.IOException | RuntimeException e) {
            problems.bad(API_KEY_FILE.in(name), "a readable file holding the key; " + path + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }

    private UpstreamConfig upstream(String name, Optional<ApiKey> apiKey) {
        String proxyChoice = values.get(PROXY, name);
        Optional<URI> proxy = proxyChoice.isEmpty() ? values.get(UPSTREAM_PROXY)
                : proxyChoice.equals("none") ? Optional.empty() : Optional.of(URI.create(proxyChoice));
        BreakerConfig breaker = new BreakerConfig(values.get(BREAKER_ENABLED, name), values.get(FAILURE_RATE, name),
                values.get(SLOW_CALL_RATE, name), values.get(SLOW_CALL, name), values.get(WINDOW, name),
                values.get(MINIMUM_CALLS, name), values.get(OPEN_FOR, name), values.get(HALF_OPEN_CALLS, name));
        return new UpstreamConfig(name, values.get(URL, name), values.get(DIALECT, name),
                values.get(CONNECT_TIMEOUT, name), values.get(HEAD_TIMEOUT, name), values.get(IDLE_TIMEOUT, name),
                values.get(MAX_IDLE_CONNECTIONS, name), proxy,
                new TlsConfig(values.get(CA_FILE, name), values.get(VERIFY, name)), breaker,
                new RetryConfig(values.get(MAX_ATTEMPTS, name), values.get(BACKOFF, name), values.get(MAX_DELAY, name)),
                new BulkheadConfig(values.get(BULKHEAD_CONCURRENT, name), values.get(MAX_WAIT, name)),
                values.get(FALLBACK, name), apiKey,
                HeadersConfig.of(values.get(HEADERS_ADD, name), values.get(HEADERS_REMOVE, name),
                        values.get(FORWARD_CLIENT_CREDENTIALS, name)),
                new TranslationConfig(values.get(MAX_TOKENS_DEFAULT, name), values.get(MAX_TOKENS_CAP, name)));
    }

    private List<RouteConfig> routes() {
        return values.routes().stream().map(i -> {
            String owner = String.valueOf(i);
            String name = values.get(ROUTE_NAME, owner);
            String path = values.get(ROUTE_PATH, owner);
            return new RouteConfig(name == null ? "routes[" + i + "]" : name,
                    new Glob(path == null ? ROUTE_PATH.defaultValue() : path),
                    Optional.ofNullable(values.get(ROUTE_DIALECT, owner)),
                    Optional.ofNullable(values.get(ROUTE_MODEL, owner)).map(Glob::new),
                    values.get(ROUTE_UPSTREAM, owner), Optional.ofNullable(values.get(ROUTE_REWRITE_MODEL, owner)));
        }).toList();
    }

    private List<ModelAlias> aliases() {
        return values.aliases().stream().map(i -> {
            String owner = String.valueOf(i);
            return new ModelAlias(new Glob(values.get(ALIAS_MATCH, owner)), values.get(ALIAS_MODEL, owner),
                    Optional.ofNullable(values.get(ALIAS_UPSTREAM, owner)));
        }).toList();
    }

    private CacheConfig cache() {
        Set<String> upstreams = new LinkedHashSet<>();
        for (String name : values.upstreamNames()) {
            if (values.get(UPSTREAM_CACHE, name)) {
                upstreams.add(name);
            }
        }
        return new CacheConfig(values.get(CACHE_MAX_BYTES), values.get(CACHE_MAX_ENTRY_BYTES), values.get(CACHE_TTL),
                values.get(CACHE_IGNORE), upstreams, values.routeCache());
    }
}
