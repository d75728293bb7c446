package dev.interpose.config;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One key of the configuration, spelled once: its name, what its values are ({@link ValueType}: parser and
 * allowed range), its default, a line of documentation, and the environment variable and flag that may set
 * it. {@link ConfigTable} lists them all; the loader, {@code config show} and the reference in
 * {@code docs/configuration.md} are driven by that list.
 *
 * @param name         the key as the reference writes it: {@code listener.port},
 *                     {@code upstreams.<name>.head-timeout}, {@code routes[].path}
 * @param scope        whether the key exists once, for each upstream, each route or each model alias
 * @param type         how its text is read and what it may be
 * @param defaultValue the built-in value; null when it has none (required, or unset by default)
 * @param doc          what it does, one line of Markdown for the reference
 * @param env          the environment variable that sets it, or null ({@code <NAME>} for an upstream's name)
 * @param flag         the command-line flag that sets it, or null
 * @param fromFlags    the flag's value among the parsed {@link Overrides}, when the flag sets one value
 * @param <T>          the type of its values
 */
record ConfigKey<T>(String name, Scope scope, ValueType<T> type, T defaultValue, String doc, String env, String flag,
        Function<Overrides, Optional<String>> fromFlags) {

    /** Where a key lives. */
    enum Scope {
        /** Exists once. */
        GLOBAL("", ""),
        /** Exists below {@code upstreams.<name>.}. */
        UPSTREAM("upstreams.<name>.", "upstreams."),
        /** Exists below {@code routes[<i>].}. */
        ROUTE("routes[].", "routes["),
        /** Exists below {@code model-aliases[<i>].}. */
        ALIAS("model-aliases[].", "model-aliases[");

        private final String pattern;
        private final String start;

        Scope(String pattern, String start) {
            this.pattern = pattern;
            this.start = start;
        }

        /** The scope of a key named as the reference writes it. */
        static Scope of(String name) {
            return name.startsWith(UPSTREAM.pattern) ? UPSTREAM : name.startsWith(ROUTE.pattern) ? ROUTE
                    : name.startsWith(ALIAS.pattern) ? ALIAS : GLOBAL;
        }
    }

    ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
        if (defaultValue != null && type.problem(defaultValue) != null) {
            throw new IllegalArgumentException(name + ": a default the key itself refuses");
        }
    }

    /** The part after {@code upstreams.<name>.} or {@code routes[].}; the whole name of a global key. */
    String field() {
        return name.substring(scope.pattern.length());
    }

    /** The key of one upstream's or one route's value: {@code upstreams.openai.head-timeout}, {@code routes[2].path}. */
    String in(String owner) {
        return switch (scope) {
            case GLOBAL -> name;
            case UPSTREAM -> scope.start + owner + "." + field();
            case ROUTE, ALIAS -> scope.start + owner + "]." + field();
        };
    }

    /** Whether the file gives this key as a YAML list. */
    boolean isList() {
        return type.element() != null;
    }

    /** The default as a config file would write it, {@code ""} when there is none. */
    String defaultText() {
        return defaultValue == null ? "" : type.format(defaultValue);
    }

    /**
     * Returns {@code value} when the key allows it; otherwise throws the error a config file with that
     * value gets: {@code upstreams.local.head-timeout: "0s" (expected: a positive duration …)}. For the
     * compact constructors of the records, so a bad value built in code fails as it would in a file.
     *
     * @param owner the upstream's name or route's index, null when not known ({@code <name>} is shown)
     */
    T check(String owner, T value) {
        Objects.requireNonNull(value, name);
        String expected = type.problem(value);
        if (expected != null) {
            throw invalid(owner, type.format(value), expected);
        }
        return value;
    }

    /** Like {@link #check(String, Object)} for a key that exists once, or whose owner is not known. */
    T check(T value) {
        return check(null, value);
    }

    /** The error of a value that breaks a rule beyond the key's own range (one that involves another key). */
    IllegalArgumentException invalid(String owner, String value, String expected) {
        String key = owner == null ? name : in(owner);
        return new IllegalArgumentException(key + ": \"" + value + "\" (expected: " + expected + ")");
    }
}
