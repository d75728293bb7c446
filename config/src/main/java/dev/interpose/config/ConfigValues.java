package dev.interpose.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every setting of one load parsed by its key's {@link ValueType}, in the order of {@link ConfigTable}
 * (each upstream's keys, then each route's, where their section begins): a value that is not one of its
 * type is reported with its source and left out. Rules that involve several keys are the loader's.
 */
final class ConfigValues {
    private final Map<String, Setting> settings;
    private final Problems problems;
    private final Set<String> upstreamNames;
    private final Map<String, Object> values = new HashMap<>();
    private final List<Integer> routes = new ArrayList<>();
    private final List<Integer> aliases = new ArrayList<>();
    /** Routes that set {@code cache}, by route name. */
    private final Map<String, Boolean> routeCache = new LinkedHashMap<>();

    private ConfigValues(ConfigLayers layers) {
        this.settings = layers.settings();
        this.problems = layers.problems();
        this.upstreamNames = layers.upstreamNames();
    }

    /** Parses every setting of {@code layers}, reporting each bad one to its problems. */
    static ConfigValues parse(ConfigLayers layers) {
        ConfigValues parsed = new ConfigValues(layers);
        for (ConfigKey<?> key : ConfigTable.ALL) {
            switch (key.scope()) {
                case GLOBAL -> parsed.parse(key, null);
                case UPSTREAM -> {
                    if (key == ConfigTable.URL) {
                        parsed.upstreamNames.forEach(parsed::upstream);
                    }
                }
                case ROUTE -> {
                    if (key == ConfigTable.ROUTE_NAME) {
                        parsed.readRoutes();
                    }
                }
                case ALIAS -> {
                    if (key == ConfigTable.ALIAS_MATCH) {
                        parsed.readAliases();
                    }
                }
            }
        }
        return parsed;
    }

    /** The value of a key for an upstream's name or a route's index (null for a global key); null when unset or bad. */
    <T> T get(ConfigKey<T> key, String owner) {
        @SuppressWarnings("unchecked")
        T value = (T) values.get(key.in(owner));
        return value;
    }

    <T> T get(ConfigKey<T> key) {
        return get(key, null);
    }

    Set<String> upstreamNames() {
        return upstreamNames;
    }

    /** The indices of the routes given, in order. */
    List<Integer> routes() {
        return routes;
    }

    /** The indices of the model aliases given, in order. */
    List<Integer> aliases() {
        return aliases;
    }

    Map<String, Boolean> routeCache() {
        return routeCache;
    }

    private void upstream(String name) {
        for (ConfigKey<?> key : ConfigTable.of(ConfigKey.Scope.UPSTREAM)) {
            if (!settings.containsKey(key.in(name)) && key.defaultValue() == null) {
                problems.missing(key.in(name), key.type().expected());
            } else {
                parse(key, name);
            }
            if (key == ConfigTable.DIALECT) {
                builtInDialect(name);
            }
        }
    }

    /** A built-in upstream keeps its dialect: the built-in routes send it that dialect's paths. */
    private void builtInDialect(String name) {
        ConfigTable.BuiltIn builtIn = ConfigTable.builtIn(name);
        Dialect dialect = get(ConfigTable.DIALECT, name);
        if (builtIn != null && dialect != null && dialect != builtIn.dialect()) {
            String fixed = ConfigTable.DIALECT.type().format(builtIn.dialect());
            problems.bad(ConfigTable.DIALECT.in(name), fixed + ", the dialect of the built-in upstream " + name);
        }
    }

    private void readRoutes() {
        Setting list = settings.get(ConfigKeys.ROUTES);
        if (list != null && !list.value().equals(ConfigKeys.LIST_MARK)) {
            problems.bad(ConfigKeys.ROUTES, "a list of routes, each a mapping with at least upstream");
        }
        Set<Integer> indices = new TreeSet<>();
        for (String key : settings.keySet()) {
            int index = ConfigKeys.routeOf(key);
            if (index >= 0) {
                indices.add(index);
            }
        }
        routes.addAll(indices);
        String upstreams = "the name of an upstream: " + String.join(", ", upstreamNames);
        Set<String> names = new HashSet<>();
        for (int i : indices) {
            String owner = String.valueOf(i);
            for (ConfigKey<?> key : ConfigTable.of(ConfigKey.Scope.ROUTE)) {
                parse(key, owner);
                if (key == ConfigTable.ROUTE_NAME) {
                    String name = get(ConfigTable.ROUTE_NAME, owner);
                    if (name != null && !names.add(name)) {
                        problems.bad(key.in(owner), "a name no other route has");
                    }
                } else if (key == ConfigTable.ROUTE_UPSTREAM) {
                    String upstream = get(ConfigTable.ROUTE_UPSTREAM, owner);
                    if (upstream == null) {
                        problems.missing(key.in(owner), upstreams);
                    } else if (!upstreamNames.contains(upstream)) {
                        problems.bad(key.in(owner), upstreams);
                    }
                }
            }
            String name = get(ConfigTable.ROUTE_NAME, owner);
            Boolean cache = get(ConfigTable.ROUTE_CACHE, owner);
            if (cache != null) {
                routeCache.put(name == null ? "routes[" + i + "]" : name, cache);
            }
        }
    }

    private void readAliases() {
        Setting list = settings.get(ConfigKeys.ALIASES);
        if (list != null && !list.value().equals(ConfigKeys.LIST_MARK)) {
            problems.bad(ConfigKeys.ALIASES, "a list of model aliases, each a mapping of match, model and optionally"
                    + " upstream");
        }
        Set<Integer> indices = new TreeSet<>();
        for (String key : settings.keySet()) {
            int index = ConfigKeys.aliasOf(key);
            if (index >= 0) {
                indices.add(index);
            }
        }
        aliases.addAll(indices);
        String upstreams = "the name of an upstream: " + String.join(", ", upstreamNames);
        for (int i : indices) {
            String owner = String.valueOf(i);
            for (ConfigKey<?> key : ConfigTable.of(ConfigKey.Scope.ALIAS)) {
                parse(key, owner);
                String name = key.in(owner);
                if (key != ConfigTable.ALIAS_UPSTREAM && get(key, owner) == null && !settings.containsKey(name)) {
                    problems.missing(name, key.type().expected());
                } else if (key != ConfigTable.ALIAS_UPSTREAM && get(key, owner) == null
                        && settings.get(name).value().isBlank()) {
                    problems.bad(name, key.type().expected()); // given empty: as good as missing, said where
                }
            }
            String upstream = get(ConfigTable.ALIAS_UPSTREAM, owner);
            if (upstream != null && !upstreamNames.contains(upstream)) {
                problems.bad(ConfigTable.ALIAS_UPSTREAM.in(owner), upstreams);
            }
        }
    }

    private <T> void parse(ConfigKey<T> key, String owner) {
        String name = key.in(owner);
        Setting setting = settings.get(name);
        if (setting == null) {
            return;
        }
        if (key.isList()) {
            values.put(name, elements(key, name, setting));
            return;
        }
        try {
            T value = key.type().parse(setting);
            if (value != null) {
                values.put(name, value);
            }
        } catch (ValueType.BadValue e) {
            // a key pasted where the variable's name belongs is not repeated in the message
            problems.bad(name, key.type().expected(), key == ConfigTable.API_KEY_ENV);
        }
    }

    /** The elements of a list, each of the list's element type; a problem for each that is not. */
    private List<String> elements(ConfigKey<?> key, String name, Setting list) {
        try {
            key.type().parse(list);
        } catch (ValueType.BadValue e) {
            problems.bad(name, key.type().expected());
        }
        ValueType<String> element = key.type().element();
        List<String> elements = new ArrayList<>();
        for (Map.Entry<String, Setting> e : settings.entrySet()) {
            if (e.getKey().startsWith(name + "[")) {
                try {
                    elements.add(element.parse(e.getValue()));
                } catch (ValueType.BadValue bad) {
                    problems.bad(e.getKey(), element.expected());
                }
            }
        }
        return List.copyOf(elements);
    }
}
