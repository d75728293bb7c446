package dev.interpose.config;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The problems found while loading a configuration, each a line naming where the value came from, the key,
 * the value and what was expected. Reads the settings being loaded to say where a value came from. Equal
 * lines are kept once (a flag that sets every upstream is wrong once, not once per upstream).
 */
final class Problems {
    private final Set<String> found = new LinkedHashSet<>();
    private final Map<String, Setting> settings;

    Problems(Map<String, Setting> settings) {
        this.settings = settings;
    }

    void add(String problem) {
        found.add(problem);
    }

    void addAll(Collection<String> problems) {
        found.addAll(problems);
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** Throws every problem found, if any. */
    void throwIfAny() throws ConfigException {
        if (!found.isEmpty()) {
            throw new ConfigException(List.copyOf(found));
        }
    }

    /**
     * Reports a bad value: a file's with its file, line and column first, a flag's or environment
     * variable's with its name last. A flag that sets every upstream is reported as {@code upstreams.*.key}.
     */
    void bad(String key, String expected) {
        bad(key, expected, false);
    }

    /** As {@link #bad(String, String)}; {@code hideValue} shows {@code ***} for a value that may be a secret. */
    void bad(String key, String expected, boolean hideValue) {
        Setting s = settings.get(key);
        Setting.Source source = s.source();
        String shown = key;
        if (source.kind() == Setting.Source.Kind.FLAG && key.startsWith("upstreams.") && !key.endsWith(".url")) {
            shown = "upstreams.*" + key.substring(key.lastIndexOf('.'));
        }
        String message = shown + ": \"" + (hideValue ? "***" : s.value()) + "\" (expected: " + expected + ")";
        switch (source.kind()) {
            case FILE -> found.add(source.describe() + ": " + message);
            case DEFAULT -> found.add(message);
            default -> found.add(message + " [" + source.describe() + "]");
        }
    }

    /**
     * Reports a required key that no layer set, at the position of its section's first key in a file
     * (where the reader will add it).
     */
    void missing(String key, String expected) {
        String section = key.substring(0, key.lastIndexOf('.') + 1);
        Setting.Source where = settings.values().stream().filter(s -> s.key().startsWith(section))
                .map(Setting::source).filter(src -> src.kind() == Setting.Source.Kind.FILE).findFirst().orElse(null);
        found.add((where == null ? "" : where.describe() + ": ") + key + ": missing (expected: " + expected + ")");
    }
}
