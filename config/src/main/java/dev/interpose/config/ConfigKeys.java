package dev.interpose.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of the config file: which keys exist, which are lists, and what to tell someone who wrote a
 * key that does not. Keys are dotted paths; list elements are indexed ({@code routes[0].upstream}).
 */
final class ConfigKeys {
    /** Keys that exist once. */
    static final List<String> FIXED = List.of("listener.host", "listener.port", "listener.max-header-bytes",
            "listener.max-body-bytes", "listener.request-timeout", "listener.allow-other-users", "upstream-proxy",
            "drain-timeout", "logging.format", "commands.shell",
            "commands.shell-timeout", "commands.max-include-bytes", "agents.max-concurrent", "agents.timeout",
            "agents.deadline", "agents.max-tokens", "cache.max-bytes", "cache.max-entry-bytes", "cache.ttl");
    /** Keys holding a list, replaced whole by the layer that sets them. */
    static final List<String> LISTS = List.of("routes", "cache.ignore", "listener.allowed-hosts",
            "listener.allowed-origins");
    /** Keys of every upstream, below {@code upstreams.<name>.}. */
    static final List<String> UPSTREAM_FIELDS = List.of("url", "dialect", "connect-timeout", "head-timeout",
            "idle-timeout", "max-idle-connections", "proxy", "tls.ca-file", "tls.verify", "breaker.enabled",
            "breaker.failure-rate", "breaker.slow-call-rate", "breaker.slow-call", "breaker.window",
            "breaker.minimum-calls", "breaker.open-for", "breaker.half-open-calls", "retry.max-attempts",
            "retry.backoff", "retry.max-delay", "bulkhead.max-concurrent", "bulkhead.max-wait", "fallback", "cache");
    /** Keys of every route, below {@code routes[<i>].}. */
    static final List<String> ROUTE_FIELDS = List.of("name", "path", "dialect", "model", "upstream",
            "rewrite-model", "cache");
    static final Pattern UPSTREAM_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private static final Pattern UPSTREAM_KEY = Pattern.compile("upstreams\\.([^.]+)\\.(.+)");
    private static final Pattern ROUTE_KEY = Pattern.compile("routes\\[(\\d+)]\\.(.+)");
    /** An element of a list of texts (not of routes, whose elements are mappings). */
    private static final Pattern TEXT_ELEMENT = Pattern.compile("(cache\\.ignore|listener\\.allowed-hosts"
            + "|listener\\.allowed-origins)\\[\\d+]");

    private ConfigKeys() {
    }

    /** Whether {@code key} names a value (rather than a section or nothing). */
    static boolean isLeaf(String key) {
        if (FIXED.contains(key) || TEXT_ELEMENT.matcher(key).matches()) {
            return true;
        }
        Matcher upstream = UPSTREAM_KEY.matcher(key);
        if (upstream.matches()) {
            return UPSTREAM_FIELDS.contains(upstream.group(2));
        }
        Matcher route = ROUTE_KEY.matcher(key);
        return route.matches() && ROUTE_FIELDS.contains(route.group(2));
    }

    /** Whether {@code key} holds a list, whose elements the file reader indexes. */
    static boolean isList(String key) {
        return LISTS.contains(key);
    }

    /** The upstream a key belongs to, or null. */
    static String upstreamOf(String key) {
        Matcher m = UPSTREAM_KEY.matcher(key);
        return m.matches() ? m.group(1) : null;
    }

    /** The index of the route a key belongs to, or -1. */
    static int routeOf(String key) {
        Matcher m = ROUTE_KEY.matcher(key);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** What to expect instead of an unknown key, as precise as the key's section allows. */
    static String expectedInsteadOf(String key) {
        if (key.startsWith("upstreams.")) {
            String name = upstreamOf(key);
            if (name == null) {
                return "a mapping of upstream names to their settings";
            }
            return "one of: " + String.join(", ", UPSTREAM_FIELDS.stream().map(f -> "upstreams." + name + "." + f)
                    .toArray(String[]::new));
        }
        if (key.startsWith("routes[")) {
            int index = routeOf(key);
            return index < 0 ? "each route to be a mapping of " + String.join(", ", ROUTE_FIELDS)
                    : "one of: " + String.join(", ", ROUTE_FIELDS.stream().map(f -> "routes[" + index + "]." + f)
                            .toArray(String[]::new));
        }
        int dot = key.indexOf('.');
        if (dot > 0) {
            String section = key.substring(0, dot + 1);
            List<String> inSection = java.util.stream.Stream.concat(FIXED.stream(), LISTS.stream())
                    .filter(k -> k.startsWith(section)).toList();
            if (!inSection.isEmpty()) {
                return "one of: " + String.join(", ", inSection);
            }
        }
        return "one of: " + String.join(", ", FIXED) + ", upstreams.<name>.<key>, routes";
    }
}
