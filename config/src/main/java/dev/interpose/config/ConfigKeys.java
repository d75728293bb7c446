package dev.interpose.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shape of the config file, as {@link ConfigTable} defines it: which keys exist, which are lists, and
 * what to tell someone who wrote a key that does not. Keys are dotted paths; list elements are indexed
 * ({@code routes[0].upstream}).
 */
final class ConfigKeys {
    /** The value of a setting that a file gave as a list; its elements follow as {@code key[i]}. */
    static final String LIST_MARK = "<list>";
    /** The value of a setting that a file gave as a mapping where a value belongs. */
    static final String MAPPING_MARK = "<mapping>";
    /** The list of routes, whose elements are mappings of the route keys. */
    static final String ROUTES = "routes";
    /** The list of model aliases, whose elements are mappings of the alias keys. */
    static final String ALIASES = "model-aliases";
    /** Keys that exist once. */
    static final List<String> FIXED = ConfigTable.of(ConfigKey.Scope.GLOBAL).stream().filter(k -> !k.isList())
            .map(ConfigKey::name).toList();
    /** Keys holding a list, replaced whole by the layer that sets them. */
    static final List<String> LISTS = Stream.concat(Stream.of(ROUTES, ALIASES), ConfigTable.of(ConfigKey.Scope.GLOBAL).stream()
            .filter(ConfigKey::isList).map(ConfigKey::name)).toList();
    /** Keys of every upstream, below {@code upstreams.<name>.}. */
    static final List<String> UPSTREAM_FIELDS = fields(ConfigKey.Scope.UPSTREAM);
    /** Keys of every upstream that hold a list. */
    static final List<String> UPSTREAM_LISTS = ConfigTable.of(ConfigKey.Scope.UPSTREAM).stream()
            .filter(ConfigKey::isList).map(ConfigKey::field).toList();
    /** Keys of every route, below {@code routes[<i>].}. */
    static final List<String> ROUTE_FIELDS = fields(ConfigKey.Scope.ROUTE);
    /** Keys of every model alias, below {@code model-aliases[<i>].}. */
    static final List<String> ALIAS_FIELDS = fields(ConfigKey.Scope.ALIAS);

    private static final Pattern UPSTREAM_KEY = Pattern.compile("upstreams\\.([^.]+)\\.(.+)");
    private static final Pattern ROUTE_KEY = Pattern.compile("routes\\[(\\d+)]\\.(.+)");
    private static final Pattern ALIAS_KEY = Pattern.compile("model-aliases\\[(\\d+)]\\.(.+)");
    private static final Pattern ELEMENT = Pattern.compile("(.+)\\[\\d+]");

    private ConfigKeys() {
    }

    /** Whether {@code key} names a value (rather than a section or nothing). */
    static boolean isLeaf(String key) {
        Matcher element = ELEMENT.matcher(key);
        if (FIXED.contains(key) || element.matches() && !element.group(1).equals(ROUTES)
                && !element.group(1).equals(ALIASES) && isList(element.group(1))) {
            return true;
        }
        Matcher upstream = UPSTREAM_KEY.matcher(key);
        if (upstream.matches()) {
            return UPSTREAM_FIELDS.contains(upstream.group(2));
        }
        Matcher route = ROUTE_KEY.matcher(key);
        if (route.matches()) {
            return ROUTE_FIELDS.contains(route.group(2));
        }
        Matcher alias = ALIAS_KEY.matcher(key);
        return alias.matches() && ALIAS_FIELDS.contains(alias.group(2));
    }

    /** Whether {@code key} holds a list, whose elements the file reader indexes. */
    static boolean isList(String key) {
        if (LISTS.contains(key)) {
            return true;
        }
        Matcher upstream = UPSTREAM_KEY.matcher(key);
        return upstream.matches() && UPSTREAM_LISTS.contains(upstream.group(2));
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

    /** The index of the model alias a key belongs to, or -1. */
    static int aliasOf(String key) {
        Matcher m = ALIAS_KEY.matcher(key);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The field of each key of a scope, in order. */
    private static List<String> fields(ConfigKey.Scope scope) {
        return ConfigTable.of(scope).stream().map(ConfigKey::field).toList();
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
        if (key.startsWith(ALIASES + "[")) {
            int index = aliasOf(key);
            return index < 0 ? "each model alias to be a mapping of " + String.join(", ", ALIAS_FIELDS)
                    : "one of: " + String.join(", ", ALIAS_FIELDS.stream().map(f -> ALIASES + "[" + index + "]." + f)
                            .toArray(String[]::new));
        }
        int dot = key.indexOf('.');
        if (dot > 0) {
            String section = key.substring(0, dot + 1);
            List<String> inSection = Stream.concat(FIXED.stream(), LISTS.stream())
                    .filter(k -> k.startsWith(section)).toList();
            if (!inSection.isEmpty()) {
                return "one of: " + String.join(", ", inSection);
            }
        }
        return "one of: " + String.join(", ", FIXED) + ", upstreams.<name>.<key>, routes, model-aliases";
    }
}
