package dev.interpose.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the effective {@link InterposeConfig} from layers, each overriding the one before: built-in
 * {@link Defaults}, then config files (user, then project; or one named file), then environment
 * variables, then command-line flags. Every value keeps its {@link Setting.Source}; every problem is
 * reported at once, a file's with its line and column.
 *
 * <p>Environment variables (read from the map given, never from {@code System.getenv}):
 * {@code INTERPOSE_UPSTREAM_<NAME>} (base URL of upstream NAME), {@code INTERPOSE_UPSTREAM_PROXY},
 * {@code INTERPOSE_LOG_FORMAT}.
 */
public final class ConfigLoader {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final List<String> UPSTREAM_KEYS =
            List.of("url", "connect-timeout", "head-timeout", "idle-timeout", "max-idle-connections");
    /** Every key a file may set, in documentation order. */
    static final List<String> KEYS;

    static {
        List<String> keys = new ArrayList<>(List.of("listener.host", "listener.port", "listener.max-header-bytes",
                "listener.max-body-bytes"));
        for (String name : Defaults.UPSTREAM_URLS.keySet()) {
            for (String key : UPSTREAM_KEYS) {
                keys.add("upstreams." + name + "." + key);
            }
        }
        keys.addAll(List.of("upstream-proxy", "drain-timeout", "logging.format"));
        KEYS = List.copyOf(keys);
    }

    private final java.util.Set<String> problems = new java.util.LinkedHashSet<>();
    private final Map<String, Setting> settings = new LinkedHashMap<>();

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
        return Map.copyOf(loader.settings);
    }

    /** Whether {@code key} names a value (rather than a section). */
    static boolean isLeaf(String key) {
        return KEYS.contains(key);
    }

    private void layer(Map<String, String> env, Overrides flags, List<Path> files) throws ConfigException {
        defaults();
        for (Path file : files) {
            try {
                for (Setting s : ConfigFile.read(file)) {
                    if (isLeaf(s.key())) {
                        settings.put(s.key(), s);
                    } else {
                        problems.add(s.source().describe() + ": " + s.key() + ": unknown key (expected one of: "
                                + String.join(", ", KEYS) + ")");
                    }
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        for (String name : Defaults.UPSTREAM_URLS.keySet()) {
            String variable = "INTERPOSE_UPSTREAM_" + name.toUpperCase(Locale.ROOT);
            fromEnv(env, variable, "upstreams." + name + ".url");
        }
        fromEnv(env, "INTERPOSE_UPSTREAM_PROXY", "upstream-proxy");
        fromEnv(env, "INTERPOSE_LOG_FORMAT", "logging.format");
        flags(flags);
    }

    private void defaults() {
        put("listener.host", Defaults.HOST);
        put("listener.port", String.valueOf(Defaults.PORT));
        put("listener.max-header-bytes", String.valueOf(Defaults.MAX_HEADER_BYTES));
        put("listener.max-body-bytes", String.valueOf(Defaults.MAX_BODY_BYTES));
        for (Map.Entry<String, String> upstream : Defaults.UPSTREAM_URLS.entrySet()) {
            String prefix = "upstreams." + upstream.getKey() + ".";
            put(prefix + "url", upstream.getValue());
            put(prefix + "connect-timeout", text(Defaults.CONNECT_TIMEOUT));
            put(prefix + "head-timeout", text(Defaults.HEAD_TIMEOUT));
            put(prefix + "idle-timeout", text(Defaults.IDLE_TIMEOUT));
            put(prefix + "max-idle-connections", String.valueOf(Defaults.MAX_IDLE_CONNECTIONS));
        }
        put("upstream-proxy", "");
        put("drain-timeout", text(Defaults.DRAIN_TIMEOUT));
        put("logging.format", "json");
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
        flags.upstreamUrls().forEach((name, url) -> {
            if (Defaults.UPSTREAM_URLS.containsKey(name)) {
                flag("upstreams." + name + ".url", "--upstream", Optional.of(url));
            } else {
                problems.add("upstreams." + name + ": \"" + name + "\" (expected: one of "
                        + String.join(", ", Defaults.UPSTREAM_URLS.keySet()) + ")");
            }
        });
        for (String name : Defaults.UPSTREAM_URLS.keySet()) {
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
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        for (String name : Defaults.UPSTREAM_URLS.keySet()) {
            String prefix = "upstreams." + name + ".";
            URI url = httpUrl(prefix + "url");
            Duration connect = duration(prefix + "connect-timeout");
            Duration head = duration(prefix + "head-timeout");
            Duration idle = duration(prefix + "idle-timeout");
            int idleConnections = integer(prefix + "max-idle-connections", 0, 100_000, "a count from 0 to 100000");
            if (url != null) {
                upstreams.put(name, new UpstreamConfig(name, url, Defaults.UPSTREAM_DIALECTS.get(name), connect, head,
                        idle, idleConnections));
            }
        }
        Optional<URI> proxy = settings.get("upstream-proxy").value().isBlank() ? Optional.empty()
                : Optional.ofNullable(httpUrl("upstream-proxy"));
        Duration drain = duration("drain-timeout");
        LogFormat format = logFormat();
        if (!problems.isEmpty()) {
            throw new ConfigException(List.copyOf(problems));
        }
        return new InterposeConfig(new ListenerConfig(host, port, maxHeader, maxBody), upstreams, proxy, drain, format);
    }

    private int integer(String key, int min, int max, String expected) {
        try {
            int value = Integer.parseInt(settings.get(key).value().trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(key, expected);
        return min;
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
        problem(key, "an http or https URL with a host and no query");
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
        return d.toMillis() % 60_000 == 0 ? d.toMinutes() + "m" : d.toMillis() % 1000 == 0 ? d.toSeconds() + "s"
                : d.toMillis() + "ms";
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
