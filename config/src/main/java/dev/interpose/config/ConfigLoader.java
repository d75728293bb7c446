package dev.interpose.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the effective {@link InterposeConfig} from layers, each overriding the one before: built-in
 * {@link Defaults}, then config files (user, then project; or one named file), then environment
 * variables, then command-line flags. Every value keeps its {@link Setting.Source}; every problem is
 * reported at once, a file's with its line and column.
 *
 * <p>Environment variables (read from the map given, never from {@code System.getenv}):
 * {@code INTERPOSE_UPSTREAM_<NAME>} (base URL of upstream NAME, {@code -} written {@code _}),
 * {@code INTERPOSE_UPSTREAM_PROXY}, {@code INTERPOSE_LOG_FORMAT}.
 *
 * <p>Maps merge key by key across layers; a list ({@code routes}) is replaced whole by the layer that sets
 * it, so a project's routes are not appended to the user's.
 */
public final class ConfigLoader {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern ROUTE_ELEMENT = Pattern.compile("routes\\[\\d+]");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern ORIGIN = Pattern.compile("https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:\\d{1,5})?");
    private static final String URL_EXPECTED = "an http or https URL with a host and no query";

    private final Set<String> problems = new LinkedHashSet<>();
    private final Map<String, Setting> settings = new LinkedHashMap<>();
    /** Routes that set {@code cache}, by route name. */
    private final Map<String, Boolean> routeCache = new LinkedHashMap<>();

    private ConfigLoader() {
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
        ConfigLoader loader = new ConfigLoader();
        loader.layer(env, flags, files);
        return loader.build();
    }

    /** Every effective value with its source, for {@code interpose config show}; validates like {@link #load}. */
    public static Map<String, Setting> resolve(Map<String, String> env, Overrides flags, List<Path> files)
            throws ConfigException {
        ConfigLoader loader = new ConfigLoader();
        loader.layer(env, flags, files);
        loader.build();
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(loader.settings));
    }

    private void layer(Map<String, String> env, Overrides flags, List<Path> files) {
        defaults();
        for (Path file : files) {
            try {
                file(ConfigFile.read(file));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        for (String name : upstreamNames()) {
            if (!Defaults.UPSTREAM_URLS.containsKey(name)) {
                upstreamDefaults(name, true);
            }
        }
        for (String name : upstreamNames()) {
            String variable = "INTERPOSE_UPSTREAM_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
            fromEnv(env, variable, "upstreams." + name + ".url");
        }
        fromEnv(env, "INTERPOSE_UPSTREAM_PROXY", "upstream-proxy");
        fromEnv(env, "INTERPOSE_LOG_FORMAT", "logging.format");
        flags(flags);
    }

    private void file(List<Setting> fromFile) {
        for (String list : ConfigKeys.LISTS) {
            if (fromFile.stream().anyMatch(s -> s.key().equals(list))) {
                settings.keySet().removeIf(k -> k.equals(list) || k.startsWith(list + "["));
            }
        }
        for (Setting s : fromFile) {
            String key = s.key();
            String upstream = ConfigKeys.upstreamOf(key);
            if (upstream != null && !ConfigKeys.UPSTREAM_NAME.matcher(upstream).matches()) {
                problems.add(s.source().describe() + ": upstreams." + upstream + ": not a valid upstream name"
                        + " (expected: lowercase letters, digits, - and _, starting with a letter or digit)");
            } else if (ConfigKeys.isLeaf(key) || ConfigKeys.isList(key)) {
                settings.put(key, s);
            } else if (ROUTE_ELEMENT.matcher(key).matches()) {
                settings.put(key, s);
                problem(key, "a mapping of upstream and optionally " + String.join(", ",
                        ConfigKeys.ROUTE_FIELDS.stream().filter(f -> !f.equals("upstream")).toList()));
            } else {
                problems.add(s.source().describe() + ": " + key + ": unknown key (expected "
                        + ConfigKeys.expectedInsteadOf(key) + ")");
            }
        }
    }

    /** The built-in upstreams, then those the files define, in file order. */
    private Set<String> upstreamNames() {
        Set<String> names = new LinkedHashSet<>(Defaults.UPSTREAM_URLS.keySet());
        for (String key : settings.keySet()) {
            String name = ConfigKeys.upstreamOf(key);
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    private void defaults() {
        put("listener.host", Defaults.HOST);
        put("listener.port", String.valueOf(Defaults.PORT));
        put("listener.max-header-bytes", String.valueOf(Defaults.MAX_HEADER_BYTES));
        put("listener.max-body-bytes", String.valueOf(Defaults.MAX_BODY_BYTES));
        put("listener.request-timeout", text(ListenerConfig.DEFAULT_REQUEST_TIMEOUT));
        put("listener.allowed-hosts", "<list>");
        put("listener.allowed-origins", "<list>");
        put("listener.allow-other-users", "false");
        for (Map.Entry<String, String> upstream : Defaults.UPSTREAM_URLS.entrySet()) {
            String prefix = "upstreams." + upstream.getKey() + ".";
            put(prefix + "url", upstream.getValue());
            put(prefix + "dialect", Defaults.UPSTREAM_DIALECTS.get(upstream.getKey()).name().toLowerCase(Locale.ROOT));
            upstreamDefaults(upstream.getKey(), false);
        }
        put("upstream-proxy", "");
        put("drain-timeout", text(Defaults.DRAIN_TIMEOUT));
        put("logging.format", "json");
        put("commands.shell", String.valueOf(CommandsConfig.DEFAULT.shell()));
        put("commands.shell-timeout", text(CommandsConfig.DEFAULT.shellTimeout()));
        put("commands.max-include-bytes", String.valueOf(CommandsConfig.DEFAULT.maxIncludeBytes()));
        put("agents.max-concurrent", String.valueOf(AgentsConfig.DEFAULT.maxConcurrent()));
        put("agents.timeout", text(AgentsConfig.DEFAULT.timeout()));
        put("agents.deadline", text(AgentsConfig.DEFAULT.deadline()));
        put("agents.max-tokens", String.valueOf(AgentsConfig.DEFAULT.maxTokens()));
        put("cache.max-bytes", String.valueOf(CacheConfig.DEFAULT.maxBytes()));
        put("cache.max-entry-bytes", String.valueOf(CacheConfig.DEFAULT.maxEntryBytes()));
        put("cache.ttl", text(CacheConfig.DEFAULT.ttl()));
        put("cache.ignore", "<list>");
        for (int i = 0; i < CacheConfig.DEFAULT_IGNORE.size(); i++) {
            put("cache.ignore[" + i + "]", CacheConfig.DEFAULT_IGNORE.get(i));
        }
    }

    /** The defaults every upstream shares; {@code keep} leaves values already set alone. */
    private void upstreamDefaults(String name, boolean keep) {
        String prefix = "upstreams." + name + ".";
        Map<String, String> values = new LinkedHashMap<>();
        values.put(prefix + "connect-timeout", text(Defaults.CONNECT_TIMEOUT));
        values.put(prefix + "head-timeout", text(Defaults.HEAD_TIMEOUT));
        values.put(prefix + "idle-timeout", text(Defaults.IDLE_TIMEOUT));
        values.put(prefix + "max-idle-connections", String.valueOf(Defaults.MAX_IDLE_CONNECTIONS));
        values.put(prefix + "proxy", "");
        values.put(prefix + "tls.ca-file", "");
        values.put(prefix + "tls.verify", "true");
        BreakerConfig b = BreakerConfig.DEFAULT;
        values.put(prefix + "breaker.enabled", String.valueOf(b.enabled()));
        values.put(prefix + "breaker.failure-rate", String.valueOf(b.failureRate()));
        values.put(prefix + "breaker.slow-call-rate", String.valueOf(b.slowCallRate()));
        values.put(prefix + "breaker.slow-call", text(b.slowCall()));
        values.put(prefix + "breaker.window", String.valueOf(b.window()));
        values.put(prefix + "breaker.minimum-calls", String.valueOf(b.minimumCalls()));
        values.put(prefix + "breaker.open-for", text(b.openFor()));
        values.put(prefix + "breaker.half-open-calls", String.valueOf(b.halfOpenCalls()));
        values.put(prefix + "retry.max-attempts", String.valueOf(RetryConfig.DEFAULT.maxAttempts()));
        values.put(prefix + "retry.backoff", text(RetryConfig.DEFAULT.backoff()));
        values.put(prefix + "retry.max-delay", text(RetryConfig.DEFAULT.maxDelay()));
        values.put(prefix + "bulkhead.max-concurrent", String.valueOf(BulkheadConfig.DEFAULT.maxConcurrent()));
        values.put(prefix + "bulkhead.max-wait", text(BulkheadConfig.DEFAULT.maxWait()));
        values.put(prefix + "fallback", "");
        values.put(prefix + "cache", "false");
        values.forEach((key, value) -> {
            if (!keep || !settings.containsKey(key)) {
                put(key, value);
            }
        });
    }

    private void put(String key, String value) {
        settings.put(key, new Setting(key, value, Setting.Source.DEFAULT));
    }

    private void fromEnv(Map<String, String> env, String variable, String key) {
        String value = env.get(variable);
        if (value != null) {
            settings.put(key, new Setting(key, value, Setting.Source.env(variable)));
        }
    }

    private void flags(Overrides flags) {
        flag("listener.host", "--host", flags.host());
        flag("listener.port", "--port", flags.port().map(String::valueOf));
        Set<String> names = upstreamNames();
        flags.upstreamUrls().forEach((name, url) -> {
            if (names.contains(name)) {
                flag("upstreams." + name + ".url", "--upstream", Optional.of(url));
            } else {
                problems.add("upstreams." + name + ": \"" + name + "\" (expected: one of " + String.join(", ", names)
                        + "; define other upstreams in the config file)");
            }
        });
        for (String name : names) {
            flag("upstreams." + name + ".connect-timeout", "--connect-timeout", flags.connectTimeout());
            flag("upstreams." + name + ".head-timeout", "--head-timeout", flags.headTimeout());
            flag("upstreams." + name + ".idle-timeout", "--idle-timeout", flags.idleTimeout());
        }
        flag("upstream-proxy", "--upstream-proxy", flags.upstreamProxy());
        flag("drain-timeout", "--drain-timeout", flags.drainTimeout());
        flag("logging.format", "--log-format", flags.logFormat());
    }

    private void flag(String key, String flag, Optional<String> value) {
        value.ifPresent(v -> settings.put(key, new Setting(key, v, Setting.Source.flag(flag))));
    }

    private InterposeConfig build() throws ConfigException {
        String host = settings.get("listener.host").value();
        if (host.isBlank()) {
            problem("listener.host", "a host name or IP address");
        }
        int port = integer("listener.port", 0, 65535, "a port from 0 to 65535");
        int maxHeader = integer("listener.max-header-bytes", 1024, Integer.MAX_VALUE, "a size in bytes, at least 1024");
        int maxBody = integer("listener.max-body-bytes", 1, Integer.MAX_VALUE, "a positive size in bytes");
        Duration requestTimeout = duration("listener.request-timeout");
        if (requestTimeout != null && requestTimeout.isZero()) {
            problem("listener.request-timeout", "a positive duration such as 30s");
        }
        List<String> allowedHosts = texts("listener.allowed-hosts", HOST_NAME,
                "host names or IP addresses without a port, such as proxy.lan or 192.168.1.5 or [fd00::5]");
        List<String> allowedOrigins = texts("listener.allowed-origins", ORIGIN,
                "browser origins: scheme, host and optional port, such as https://app.example or http://localhost:3000");
        boolean allowOtherUsers = bool("listener.allow-other-users");
        Optional<URI> proxy = settings.get("upstream-proxy").value().isBlank() ? Optional.empty()
                : Optional.ofNullable(httpUrl("upstream-proxy"));
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        for (String name : upstreamNames()) {
            UpstreamConfig upstream = upstream(name, proxy);
            if (upstream != null) {
                upstreams.put(name, upstream);
            }
        }
        for (UpstreamConfig upstream : upstreams.values()) {
            if (new HashSet<>(upstream.fallback()).size() < upstream.fallback().size()) {
                problem("upstreams." + upstream.name() + ".fallback", "each upstream named once");
            }
            RetryConfig retry = upstream.retry();
            if (retry.maxAttempts() > 1 && retry.maxDelay().toMillis() < retry.backoff().toMillis() / 2) {
                problem("upstreams." + upstream.name() + ".retry.max-delay", "at least half of retry.backoff ("
                        + text(retry.backoff()) + "), or no retry could ever wait that long");
            }
            for (String alternate : upstream.fallback()) {
                String key = "upstreams." + upstream.name() + ".fallback";
                UpstreamConfig other = upstreams.get(alternate);
                if (other == null || alternate.equals(upstream.name())) {
                    problem(key, "names of other defined upstreams, comma-separated; \"" + alternate + "\" is not one");
                } else if (other.dialect() != upstream.dialect()) {
                    problem(key, "upstreams of the same dialect; " + alternate + " speaks "
                            + other.dialect().name().toLowerCase(Locale.ROOT));
                }
            }
        }
        List<RouteConfig> routes = routes();
        Duration drain = duration("drain-timeout");
        LogFormat format = logFormat();
        boolean shell = bool("commands.shell");
        Duration shellTimeout = duration("commands.shell-timeout");
        int maxInclude = integer("commands.max-include-bytes", 0, 64 * 1024 * 1024, "a size in bytes up to 67108864");
        int agentCap = integer("agents.max-concurrent", 1, 1024, "a count from 1 to 1024");
        Duration agentTimeout = duration("agents.timeout");
        Duration agentDeadline = duration("agents.deadline");
        int agentTokens = integer("agents.max-tokens", 1, 1_000_000, "a token count from 1 to 1000000");
        CacheConfig cache = cache(upstreams.keySet());
        if (!problems.isEmpty()) {
            throw new ConfigException(List.copyOf(problems));
        }
        return new InterposeConfig(new ListenerConfig(host, port, maxHeader, maxBody, allowedHosts,
                allowedOrigins, requestTimeout, allowOtherUsers), upstreams, routes, proxy,
                drain, format, new CommandsConfig(shell, shellTimeout, maxInclude),
                new AgentsConfig(agentCap, agentTimeout, agentDeadline, agentTokens), cache);
    }

    private UpstreamConfig upstream(String name, Optional<URI> defaultProxy) {
        String prefix = "upstreams." + name + ".";
        URI url = settings.containsKey(prefix + "url") ? httpUrl(prefix + "url") : missing(prefix + "url", URL_EXPECTED);
        Dialect dialect = dialect(prefix + "dialect", true);
        Dialect builtIn = Defaults.UPSTREAM_DIALECTS.get(name);
        if (builtIn != null && dialect != null && dialect != builtIn) {
            problem(prefix + "dialect", builtIn.name().toLowerCase(Locale.ROOT) + ", the dialect of the built-in upstream "
                    + name);
        }
        Duration connect = duration(prefix + "connect-timeout");
        Duration head = duration(prefix + "head-timeout");
        Duration idle = duration(prefix + "idle-timeout");
        int idleConnections = integer(prefix + "max-idle-connections", 0, 100_000, "a count from 0 to 100000");
        String proxyText = settings.get(prefix + "proxy").value().trim();
        Optional<URI> proxy = proxyText.isEmpty() ? defaultProxy
                : proxyText.equals("none") ? Optional.empty() : Optional.ofNullable(httpUrl(prefix + "proxy"));
        String ca = settings.get(prefix + "tls.ca-file").value().trim();
        Optional<Path> caFile = ca.isEmpty() ? Optional.empty() : Optional.ofNullable(caFile(prefix + "tls.ca-file"));
        boolean verify = bool(prefix + "tls.verify");
        BreakerConfig breaker = breaker(prefix + "breaker.");
        int attempts = integer(prefix + "retry.max-attempts", 1, 20, "a number of attempts from 1 (no retry) to 20");
        Duration backoff = duration(prefix + "retry.backoff");
        Duration maxDelay = duration(prefix + "retry.max-delay");
        int concurrent = integer(prefix + "bulkhead.max-concurrent", 1, 1_000_000, "a count from 1 to 1000000");
        Duration maxWait = duration(prefix + "bulkhead.max-wait");
        if (url == null || dialect == null || breaker == null || backoff == null || maxDelay == null
                || maxWait == null) {
            return null;
        }
        List<String> fallback = new ArrayList<>();
        for (String alternate : settings.get(prefix + "fallback").value().split(",")) {
            if (!alternate.isBlank()) {
                fallback.add(alternate.strip());
            }
        }
        return new UpstreamConfig(name, url, dialect, connect, head, idle, idleConnections, proxy,
                new TlsConfig(caFile, verify), breaker, new RetryConfig(attempts, backoff, maxDelay),
                new BulkheadConfig(concurrent, maxWait), fallback);
    }

    /** The elements of a list of texts, each matching {@code shape}; a problem for each that does not. */
    private List<String> texts(String key, Pattern shape, String expected) {
        Setting list = settings.get(key);
        if (list != null && !list.value().equals("<list>")) {
            problem(key, "a list of " + expected);
        }
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, Setting> e : settings.entrySet()) {
            if (e.getKey().startsWith(key + "[")) {
                String value = e.getValue().value().trim();
                if (shape.matcher(value).matches()) {
                    values.add(value);
                } else {
                    problem(e.getKey(), expected);
                }
            }
        }
        return values;
    }

    private CacheConfig cache(Set<String> upstreamNames) {
        long maxBytes = number("cache.max-bytes", 0, Long.MAX_VALUE, "a size in bytes (0 stores nothing)");
        int maxEntry = integer("cache.max-entry-bytes", 1, Integer.MAX_VALUE, "a positive size in bytes");
        Duration ttl = duration("cache.ttl");
        Setting list = settings.get("cache.ignore");
        if (list != null && !list.value().equals("<list>")) {
            problem("cache.ignore", "a list of JSON pointers such as /metadata/user_id");
        }
        List<String> ignore = new ArrayList<>();
        for (Map.Entry<String, Setting> e : settings.entrySet()) {
            if (e.getKey().startsWith("cache.ignore[")) {
                String rule = e.getValue().value().trim();
                if (!rule.startsWith("/")) { // also a <mapping> or <list> where a text belongs
                    problem(e.getKey(), "a JSON pointer starting with /, * for any one step, optionally =glob on the"
                            + " value, such as /system/*/text=x-anthropic-billing-header*");
                } else {
                    ignore.add(rule);
                }
            }
        }
        if (ignore.size() > CacheConfig.MAX_IGNORE_RULES) {
            problem("cache.ignore", "at most " + CacheConfig.MAX_IGNORE_RULES + " rules");
        }
        Set<String> upstreams = new LinkedHashSet<>();
        for (String name : upstreamNames) {
            if (bool("upstreams." + name + ".cache")) {
                upstreams.add(name);
            }
        }
        return ttl == null ? null : new CacheConfig(maxBytes, maxEntry, ttl, ignore, upstreams, routeCache);
    }

    private BreakerConfig breaker(String prefix) {
        boolean enabled = bool(prefix + "enabled");
        int failureRate = integer(prefix + "failure-rate", 1, 100, "a percentage from 1 to 100");
        int slowRate = integer(prefix + "slow-call-rate", 1, 100, "a percentage from 1 to 100");
        Duration slow = duration(prefix + "slow-call");
        int window = integer(prefix + "window", 1, 10_000, "a number of calls from 1 to 10000");
        int minimum = integer(prefix + "minimum-calls", 1, 10_000, "a number of calls from 1 to 10000");
        Duration openFor = duration(prefix + "open-for");
        int halfOpen = integer(prefix + "half-open-calls", 1, 1000, "a number of calls from 1 to 1000");
        if (slow == null || openFor == null) {
            return null;
        }
        return new BreakerConfig(enabled, failureRate, slowRate, slow, window, minimum, openFor, halfOpen);
    }

    private List<RouteConfig> routes() {
        Setting list = settings.get("routes");
        if (list != null && !list.value().equals("<list>")) {
            problem("routes", "a list of routes, each a mapping with at least upstream");
        }
        Set<Integer> indices = new java.util.TreeSet<>();
        for (String key : settings.keySet()) {
            int index = ConfigKeys.routeOf(key);
            if (index >= 0) {
                indices.add(index);
            }
        }
        Set<String> upstreamNames = upstreamNames();
        Set<String> names = new HashSet<>();
        List<RouteConfig> routes = new ArrayList<>();
        for (int i : indices) {
            String prefix = "routes[" + i + "].";
            String upstream = optional(prefix + "upstream");
            if (upstream == null) {
                missing(prefix + "upstream", "the name of an upstream: " + String.join(", ", upstreamNames));
            } else if (!upstreamNames.contains(upstream)) {
                problem(prefix + "upstream", "the name of an upstream: " + String.join(", ", upstreamNames));
            }
            String name = optional(prefix + "name");
            if (name != null && !names.add(name)) {
                problem(prefix + "name", "a name no other route has");
            }
            String path = optional(prefix + "path");
            if (path != null && !path.startsWith("/") && !path.startsWith("*")) {
                problem(prefix + "path", "a path pattern starting with / or *, such as /v1/messages or /v1/*");
            }
            Dialect dialect = settings.containsKey(prefix + "dialect") ? dialect(prefix + "dialect", false) : null;
            String model = optional(prefix + "model");
            String rewrite = optional(prefix + "rewrite-model");
            for (String key : List.of(prefix + "name", prefix + "model", prefix + "rewrite-model")) {
                Setting s = settings.get(key);
                if (s != null && s.value().isBlank()) {
                    problem(key, "a non-empty text");
                }
            }
            Setting cache = settings.get(prefix + "cache");
            if (cache != null && !cache.value().isBlank()) {
                routeCache.put(name == null ? "routes[" + i + "]" : name, bool(prefix + "cache"));
            }
            routes.add(new RouteConfig(name == null ? "routes[" + i + "]" : name, new Glob(path == null ? "*" : path),
                    Optional.ofNullable(dialect), Optional.ofNullable(model).map(Glob::new),
                    upstream == null ? "" : upstream, Optional.ofNullable(rewrite)));
        }
        return routes;
    }

    /** The value of an optional key, null when not set or blank. */
    private String optional(String key) {
        Setting s = settings.get(key);
        return s == null || s.value().isBlank() ? null : s.value().trim();
    }

    private int integer(String key, int min, int max, String expected) {
        return (int) number(key, min, max, expected);
    }

    private long number(String key, long min, long max, String expected) {
        try {
            long value = Long.parseLong(settings.get(key).value().trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(key, expected);
        return min;
    }

    private boolean bool(String key) {
        String value = settings.get(key).value().trim();
        if (!value.equals("true") && !value.equals("false")) {
            problem(key, "true or false");
        }
        return !value.equals("false");
    }

    private Dialect dialect(String key, boolean required) {
        Setting s = settings.get(key);
        if (s == null) {
            if (required) {
                missing(key, "anthropic or openai");
            }
            return null;
        }
        switch (s.value().trim()) {
            case "anthropic": return Dialect.ANTHROPIC;
            case "openai": return Dialect.OPENAI;
            default:
                problem(key, "anthropic or openai");
                return null;
        }
    }

    private URI httpUrl(String key) {
        String raw = settings.get(key).value();
        try {
            URI url = new URI(raw);
            String scheme = url.getScheme();
            if (scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && url.getHost() != null && url.getRawQuery() == null && url.getRawFragment() == null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below with the same message as any other malformed URL
        }
        problem(key, URL_EXPECTED);
        return null;
    }

    /**
     * A PEM file of CA certificates; a relative path is relative to the config file that names it. Read
     * here, so a file that cannot serve as a trust store is refused with the configuration.
     */
    private Path caFile(String key) {
        Setting s = settings.get(key);
        Path path = Path.of(s.value().trim());
        if (!path.isAbsolute() && s.source().file() != null && s.source().file().toAbsolutePath().getParent() != null) {
            path = s.source().file().toAbsolutePath().getParent().resolve(path);
        }
        try (InputStream in = Files.newInputStream(path)) {
            if (!CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                return path;
            }
        } catch (IOException | CertificateException e) {
            // reported below
        }
        problem(key, "a readable PEM file of CA certificates");
        return null;
    }

    private Duration duration(String key) {
        Duration parsed = parseDuration(settings.get(key).value());
        if (parsed == null || parsed.isZero()) {
            problem(key, "a positive duration such as 500ms, 30s, 5m or 1h");
            return Duration.ofSeconds(1);
        }
        return parsed;
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; null when it is none of these. */
    static Duration parseDuration(String raw) {
        Matcher m = DURATION.matcher(raw.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms": return Duration.ofMillis(n);
            case "s": return Duration.ofSeconds(n);
            case "m": return Duration.ofMinutes(n);
            default: return Duration.ofHours(n);
        }
    }

    private static String text(Duration d) {
        return d.toMillis() % 3_600_000 == 0 ? d.toHours() + "h" : d.toMillis() % 60_000 == 0 ? d.toMinutes() + "m"
                : d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private LogFormat logFormat() {
        try {
            return LogFormat.valueOf(settings.get("logging.format").value().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problem("logging.format", "json or text");
            return LogFormat.JSON;
        }
    }

    /**
     * Reports a required key that no layer set, at the position of its section's first key in a file
     * (where the reader will add it).
     */
    private <T> T missing(String key, String expected) {
        String section = key.substring(0, key.lastIndexOf('.') + 1);
        Setting.Source where = settings.values().stream().filter(s -> s.key().startsWith(section))
                .map(Setting::source).filter(src -> src.kind() == Setting.Source.Kind.FILE).findFirst().orElse(null);
        problems.add((where == null ? "" : where.describe() + ": ") + key + ": missing (expected: " + expected + ")");
        return null;
    }

    /**
     * Reports a bad value: a file's with its file, line and column first, a flag's or environment
     * variable's with its name last. A flag that sets every upstream is reported once.
     */
    private void problem(String key, String expected) {
        Setting s = settings.get(key);
        Setting.Source source = s.source();
        String shown = key;
        if (source.kind() == Setting.Source.Kind.FLAG && key.startsWith("upstreams.") && !key.endsWith(".url")) {
            shown = "upstreams.*" + key.substring(key.lastIndexOf('.'));
        }
        String message = shown + ": \"" + s.value() + "\" (expected: " + expected + ")";
        switch (source.kind()) {
            case FILE:
                problems.add(source.describe() + ": " + message);
                break;
            case DEFAULT:
                problems.add(message);
                break;
            default:
                problems.add(message + " [" + source.describe() + "]");
        }
    }
}
