package dev.interpose.proxy.dialect.translate;

/**
 * What a translation cannot know from the request alone: the upstream's {@code translation} settings
 * ({@link dev.interpose.config.TranslationConfig}, from {@code upstreams.<name>.translation.*}).
 *
 * @param defaultMaxTokens the {@code max_tokens} sent to an Anthropic upstream when the client's request has
 *                         no limit (the Messages API requires one; the Responses API does not)
 * @param maxTokensCap     the most output tokens asked of an upstream (Claude Code asks 128000, more than
 *                         many other models allow), or 0 for no cap
 */
public record TranslationOptions(int defaultMaxTokens, int maxTokensCap) {
    /** The defaults of the config keys: 32000 tokens when the client names no limit; no cap. */
    public static final TranslationOptions DEFAULTS = of(dev.interpose.config.TranslationConfig.DEFAULT);

    /** The options of an upstream's {@code translation} settings. */
    public static TranslationOptions of(dev.interpose.config.TranslationConfig config) {
        return new TranslationOptions(config.maxTokensDefault(), config.maxTokensCap());
    }

    public TranslationOptions {
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("defaultMaxTokens: " + defaultMaxTokens + " (expected: at least 1)");
        }
        if (maxTokensCap < 0) {
            throw new IllegalArgumentException("maxTokensCap: " + maxTokensCap + " (expected: 0 or more)");
        }
    }

    /** The output limit to send for a client's {@code requested} limit (0: none requested). */
    int maxTokens(long requested) {
        long wanted = requested > 0 ? requested : defaultMaxTokens;
        return (int) (maxTokensCap > 0 ? Math.min(wanted, maxTokensCap) : Math.min(wanted, Integer.MAX_VALUE));
    }
}
