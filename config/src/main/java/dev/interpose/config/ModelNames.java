package dev.interpose.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the short model names Claude Code and agent files use ({@code sonnet}, {@code opus}, {@code haiku})
 * stand for, for each family of upstream: {@code model-names.anthropic} and {@code model-names.openai}.
 * {@code inherit} is no model of its own: an agent or command naming it takes the triggering request's.
 *
 * @param anthropic the full id of each short name at an {@code anthropic} upstream
 * @param openai    the same at an upstream of an OpenAI dialect
 */
public record ModelNames(Map<String, String> anthropic, Map<String, String> openai) {
    /** The name an agent or command file gives to mean "the model of the request that triggered me". */
    public static final String INHERIT = "inherit";
    /** The defaults of {@link ConfigTable}. */
    public static final ModelNames DEFAULT = of(ConfigTable.MODEL_NAMES_ANTHROPIC.defaultValue(),
            ConfigTable.MODEL_NAMES_OPENAI.defaultValue());

    public ModelNames {
        anthropic = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(anthropic)); // in the file's order
        openai = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(openai));
    }

    /** From the lists of {@code name=model} the keys hold (checked by their value type). */
    static ModelNames of(List<String> anthropic, List<String> openai) {
        return new ModelNames(pairs(ConfigTable.MODEL_NAMES_ANTHROPIC, anthropic),
                pairs(ConfigTable.MODEL_NAMES_OPENAI, openai));
    }

    private static Map<String, String> pairs(ConfigKey<List<String>> key, List<String> entries) {
        key.check(entries);
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            out.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return out;
    }

    /** The full id {@code model} stands for at an upstream of {@code dialect}, or null when it is no short name. */
    public String resolve(String model, Dialect dialect) {
        Objects.requireNonNull(dialect, "dialect");
        return model == null ? null : (dialect == Dialect.ANTHROPIC ? anthropic : openai).get(model);
    }

    /**
     * The vendor family whose own upstream serves {@code model}: {@link Dialect#ANTHROPIC} for a Claude id
     * ({@code claude-*}, or a full id of {@link #anthropic()}), {@link Dialect#OPENAI} for an OpenAI one
     * ({@code gpt-*}, {@code o1}, {@code o3-mini}, {@code o4-*}, {@code codex-*}, {@code chatgpt-*}, or a full
     * id of {@link #openai()}); null for any other model (a short name, a local model) and for null.
     */
    public Dialect family(String model) {
        if (model == null) {
            return null;
        }
        String id = model.strip().toLowerCase(java.util.Locale.ROOT);
        if (id.startsWith("claude-") || anthropic.containsValue(model)) {
            return Dialect.ANTHROPIC;
        }
        if (id.startsWith("gpt-") || id.matches("o[0-9]+(-.*)?") || id.startsWith("codex-")
                || id.startsWith("chatgpt-") || openai.containsValue(model)) {
            return Dialect.OPENAI;
        }
        return null;
    }

    /** Whether an agent's or command's {@code model} means the triggering request's (blank, unset or inherit). */
    public static boolean inherits(String model) {
        return model == null || model.isBlank() || model.strip().equals(INHERIT);
    }
}
