package dev.interpose.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The raw settings of one load, layer over layer, each overriding the one before: the defaults of
 * {@link ConfigTable}, then config files (user, then project; or one named file), then environment
 * variables, then command-line flags. Every value keeps its {@link Setting.Source}. Maps merge key by key
 * across layers; a list is replaced whole by the layer that sets it.
 */
final class ConfigLayers {
    private static final Pattern ROUTE_ELEMENT = Pattern.compile("routes\\[\\d+]");
    private static final Pattern ALIAS_ELEMENT = Pattern.compile("model-aliases\\[\\d+]");

    private final Map<String, Setting> settings = new LinkedHashMap<>();
    private final Problems problems = new Problems(settings);
    private Map<String, String> environment = Map.of();

    private ConfigLayers() {
    }

    /** The settings from every layer; problems of the files and flags are in {@link #problems()}. */
    static ConfigLayers of(Map<String, String> env, Overrides flags, List<Path> files) {
        ConfigLayers layers = new ConfigLayers();
        layers.defaults();
        for (Path file : files) {
            try {
                layers.file(ConfigFile.read(file));
            } catch (ConfigException e) {
                layers.problems.addAll(e.problems());
            }
        }
        for (String name : layers.upstreamNames()) {
            if (ConfigTable.builtIn(name) == null) {
                layers.upstreamDefaults(name);
            }
        }
        layers.environment = env;
        layers.env(env);
        layers.flags(flags);
        return layers;
    }

    /** Every setting by key, in the order first set. */
    Map<String, Setting> settings() {
        return settings;
    }

    Problems problems() {
        return problems;
    }

    /** The environment of this load, where the variables an upstream's {@code api-key-env} names are read. */
    Map<String, String> environment() {
        return environment;
    }

    /** The built-in upstreams, then those the files define, in file order. */
    Set<String> upstreamNames() {
        Set<String> names = new LinkedHashSet<>();
        ConfigTable.BUILT_INS.forEach(b -> names.add(b.name()));
        for (String key : settings.keySet()) {
            String name = ConfigKeys.upstreamOf(key);
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    /** The defaults of the table, in its order; the built-in upstreams where the upstream keys begin. */
    private void defaults() {
        for (ConfigKey<?> key : ConfigTable.ALL) {
            if (key == ConfigTable.URL) {
                for (ConfigTable.BuiltIn builtIn : ConfigTable.BUILT_INS) {
                    put(ConfigTable.URL.in(builtIn.name()), builtIn.url().toString());
                    put(ConfigTable.DIALECT.in(builtIn.name()), ConfigTable.DIALECT.type().format(builtIn.dialect()));
                    upstreamDefaults(builtIn.name());
                }
            } else if (key.scope() == ConfigKey.Scope.GLOBAL) {
                putDefault(key, null);
            }
        }
    }

    /** The defaults every upstream shares, leaving values already set alone. */
    private void upstreamDefaults(String name) {
        for (ConfigKey<?> key : ConfigTable.of(ConfigKey.Scope.UPSTREAM)) {
            if (key.defaultValue() != null && !settings.containsKey(key.in(name))) {
                putDefault(key, name);
            }
        }
    }

    private <T> void putDefault(ConfigKey<T> key, String owner) {
        String name = key.in(owner);
        if (!key.isList()) {
            put(name, key.defaultText());
            return;
        }
        put(name, ConfigKeys.LIST_MARK);
        @SuppressWarnings("unchecked")
        List<String> elements = (List<String>) key.defaultValue();
        for (int i = 0; i < elements.size(); i++) {
            put(name + "[" + i + "]", elements.get(i));
        }
    }

    private void put(String key, String value) {
        settings.put(key, new Setting(key, value, Setting.Source.DEFAULT));
    }

    private void file(List<Setting> fromFile) {
        for (Setting given : fromFile) {
            String list = given.key();
            if (ConfigKeys.isList(list)) {
                settings.keySet().removeIf(k -> k.equals(list) || k.startsWith(list + "["));
            }
        }
        for (Setting s : fromFile) {
            String key = s.key();
            String upstream = ConfigKeys.upstreamOf(key);
            if (upstream != null && !ConfigTable.UPSTREAM_NAME.matcher(upstream).matches()) {
                problems.add(s.source().describe() + ": upstreams." + upstream + ": not a valid upstream name"
                        + " (expected: lowercase letters, digits, - and _, starting with a letter or digit)");
            } else if (ConfigKeys.isLeaf(key) || ConfigKeys.isList(key)) {
                settings.put(key, s);
            } else if (ROUTE_ELEMENT.matcher(key).matches()) {
                settings.put(key, s);
                problems.bad(key, "a mapping of upstream and optionally " + String.join(", ",
                        ConfigKeys.ROUTE_FIELDS.stream().filter(f -> !f.equals("upstream")).toList()));
            } else if (ALIAS_ELEMENT.matcher(key).matches()) {
                settings.put(key, s);
                problems.bad(key, "a mapping of match, model and optionally upstream");
            } else {
                problems.add(s.source().describe() + ": " + key + ": unknown key (expected "
                        + ConfigKeys.expectedInsteadOf(key) + ")");
            }
        }
    }

    /** The keys the table gives a variable; {@code <NAME>} stands for each upstream's name. */
    private void env(Map<String, String> env) {
        for (ConfigKey<?> key : ConfigTable.ALL) {
            if (key.env() == null) {
                continue;
            }
            if (key.scope() == ConfigKey.Scope.UPSTREAM) {
                for (String name : upstreamNames()) {
                    fromEnv(env, key.env().replace("<NAME>", name.toUpperCase(Locale.ROOT).replace('-', '_')),
                            key.in(name));
                }
            } else {
                fromEnv(env, key.env(), key.name());
            }
        }
    }

    private void fromEnv(Map<String, String> env, String variable, String key) {
        String value = env.get(variable);
        if (value != null) {
            settings.put(key, new Setting(key, value, Setting.Source.env(variable)));
        }
    }

    /** The keys the table gives a flag; an upstream's flag sets it for every upstream. */
    private void flags(Overrides flags) {
        Set<String> names = upstreamNames();
        for (ConfigKey<?> key : ConfigTable.ALL) {
            if (key == ConfigTable.URL) {
                upstreamUrls(flags, names);
            } else if (key.flag() != null && key.scope() == ConfigKey.Scope.UPSTREAM) {
                names.forEach(name -> flag(key.in(name), key.flag(), key.fromFlags().apply(flags)));
            } else if (key.flag() != null) {
                flag(key.name(), key.flag(), key.fromFlags().apply(flags));
            }
        }
    }

    private void upstreamUrls(Overrides flags, Set<String> names) {
        flags.upstreamUrls().forEach((name, url) -> {
            if (names.contains(name)) {
                flag(ConfigTable.URL.in(name), ConfigTable.URL.flag(), Optional.of(url));
            } else {
                problems.add("upstreams." + name + ": \"" + name + "\" (expected: one of " + String.join(", ", names)
                        + "; define other upstreams in the config file)");
            }
        });
    }

    private void flag(String key, String flag, Optional<String> value) {
        value.ifPresent(v -> settings.put(key, new Setting(key, v, Setting.Source.flag(flag))));
    }
}
