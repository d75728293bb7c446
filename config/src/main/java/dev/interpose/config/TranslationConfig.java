package dev.interpose.config;

/**
 * What a translated request sent to an upstream cannot take from its client ({@code upstreams.<name>.translation}).
 *
 * @param maxTokensDefault the {@code max_tokens} an {@code anthropic} upstream is sent when the client (Chat,
 *                         Responses) asked no limit, since the Messages API requires one
 * @param maxTokensCap     the most output tokens asked of the upstream, 0 for no cap
 */
public record TranslationConfig(int maxTokensDefault, int maxTokensCap) {
    public static final TranslationConfig DEFAULT = new TranslationConfig(ConfigTable.MAX_TOKENS_DEFAULT.defaultValue(),
            ConfigTable.MAX_TOKENS_CAP.defaultValue());

    /** Checks each value against its key in {@link ConfigTable}. */
    public TranslationConfig {
        ConfigTable.MAX_TOKENS_DEFAULT.check(maxTokensDefault);
        ConfigTable.MAX_TOKENS_CAP.check(maxTokensCap);
    }
}
