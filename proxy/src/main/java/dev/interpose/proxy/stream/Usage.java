package dev.interpose.proxy.stream;

/**
 * Token usage of one exchange as reported by the upstream, -1 where not reported.
 *
 * @param model        the model that answered, or null
 * @param inputTokens  prompt tokens (Anthropic {@code input_tokens}, chat {@code prompt_tokens})
 * @param outputTokens generated tokens
 * @param cacheRead    prompt tokens read from the provider's prompt cache
 * @param cacheWrite   prompt tokens written to the provider's prompt cache (Anthropic only)
 */
public record Usage(String model, long inputTokens, long outputTokens, long cacheRead, long cacheWrite) {
    public static final Usage NONE = new Usage(null, -1, -1, -1, -1);

    /** True when the upstream reported any token count. */
    public boolean reported() {
        return inputTokens >= 0 || outputTokens >= 0;
    }
}
