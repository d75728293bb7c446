package dev.interpose.config;

import java.net.URI;
import java.net.URISyntaxException;
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
 * Builds the effective {@link InterposeConfig}: built-in {@link Defaults}, then environment variables,
 * then command-line flags. Every value is validated and every problem reported at once.
 *
 * <p>Environment variables read (from the map given, never from {@code System.getenv} directly):
 * {@code INTERPOSE_UPSTREAM_<NAME>} (base URL of upstream NAME), {@code INTERPOSE_UPSTREAM_PROXY},
 * {@code INTERPOSE_LOG_FORMAT}.
 */
public final class ConfigLoader {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final List<String> problems = new ArrayList<>();

    private ConfigLoader() {
    }

    /**
     * Loads the configuration from the environment and flags.
     *
     * @throws ConfigException listing every problem found
     */
    public static InterposeConfig load(Map<String, String> env, Overrides flags) throws ConfigException {
        return new ConfigLoader().build(env, flags);
    }

    private InterposeConfig build(Map<String, String> env, Overrides flags) throws ConfigException {
        String host = flags.host().orElse(Defaults.HOST);
        if (host.isBlank()) {
            problem("listener.host", host, "a host name or IP address");
        }
        int port = flags.port().orElse(Defaults.PORT);
        if (port < 0 || port > 65535) {
            problem("listener.port", String.valueOf(port), "a port from 0 to 65535");
        }
        Duration connect = duration("upstreams.*.connect-timeout", flags.connectTimeout(), Defaults.CONNECT_TIMEOUT);
        Duration head = duration("upstreams.*.head-timeout", flags.headTimeout(), Defaults.HEAD_TIMEOUT);
        Duration idle = duration("upstreams.*.idle-timeout", flags.idleTimeout(), Defaults.IDLE_TIMEOUT);
        Duration drain = duration("drain-timeout", flags.drainTimeout(), Defaults.DRAIN_TIMEOUT);

        for (String name : flags.upstreamUrls().keySet()) {
            if (!Defaults.UPSTREAM_URLS.containsKey(name)) {
                problem("upstreams." + name, name, "one of " + String.join(", ", Defaults.UPSTREAM_URLS.keySet()));
            }
        }
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        for (Map.Entry<String, String> builtIn : Defaults.UPSTREAM_URLS.entrySet()) {
            String name = builtIn.getKey();
            String raw = flags.upstreamUrls().getOrDefault(name,
                    env.getOrDefault("INTERPOSE_UPSTREAM_" + name.toUpperCase(Locale.ROOT), builtIn.getValue()));
            URI url = httpUrl("upstreams." + name + ".url", raw);
            if (url != null) {
                upstreams.put(name, new UpstreamConfig(name, url, Defaults.UPSTREAM_DIALECTS.get(name),
                        connect, head, idle, Defaults.MAX_IDLE_CONNECTIONS));
            }
        }
        Optional<URI> proxy = flags.upstreamProxy().or(() -> Optional.ofNullable(env.get("INTERPOSE_UPSTREAM_PROXY")))
                .filter(s -> !s.isBlank())
                .map(s -> httpUrl("upstream-proxy", s));
        LogFormat format = logFormat(flags.logFormat().or(() -> Optional.ofNullable(env.get("INTERPOSE_LOG_FORMAT"))));

        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        ListenerConfig listener = new ListenerConfig(host, port, Defaults.MAX_HEADER_BYTES, Defaults.MAX_BODY_BYTES);
        return new InterposeConfig(listener, upstreams, proxy, drain, format);
    }

    private URI httpUrl(String key, String raw) {
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
        problem(key, raw, "an http or https URL with a host and no query");
        return null;
    }

    private Duration duration(String key, Optional<String> raw, Duration fallback) {
        if (raw.isEmpty()) {
            return fallback;
        }
        Duration parsed = parseDuration(raw.get());
        if (parsed == null || parsed.isZero()) {
            problem(key, raw.get(), "a positive duration such as 500ms, 30s, 5m or 1h");
            return fallback;
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

    private LogFormat logFormat(Optional<String> raw) {
        if (raw.isEmpty()) {
            return LogFormat.JSON;
        }
        try {
            return LogFormat.valueOf(raw.get().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problem("logging.format", raw.get(), "json or text");
            return LogFormat.JSON;
        }
    }

    private void problem(String key, String value, String expected) {
        problems.add(key + ": \"" + value + "\" (expected: " + expected + ")");
    }
}
