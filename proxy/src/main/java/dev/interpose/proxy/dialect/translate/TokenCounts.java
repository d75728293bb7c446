package dev.interpose.proxy.dialect.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The token counts of one answer, as the three APIs split them: {@code input} is the prompt's tokens read
 * neither from nor into a cache (Anthropic's {@code input_tokens}); the OpenAI APIs count the whole prompt,
 * cached part included. A mutable accumulator, confined to one answer's thread.
 */
final class TokenCounts {
    long input;
    long cacheRead;
    long cacheWrite;
    long output;
    long reasoning;
    /** Whether any usage was seen at all. */
    boolean seen;

    /** The whole prompt: what the OpenAI APIs call input or prompt tokens. */
    long prompt() {
        return input + cacheRead + cacheWrite;
    }

    /** Takes a Chat {@code usage} object (the numbers it has replace the ones so far). */
    TokenCounts chat(JsonNode usage) {
        if (!usage.isObject()) {
            return this;
        }
        seen = true;
        long cached = Json.number(usage.path("prompt_tokens_details"), "cached_tokens");
        if (cached == 0) {
            cached = Json.number(usage, "prompt_cache_hit_tokens"); // DeepSeek
        }
        cacheRead = cached;
        cacheWrite = 0;
        input = Math.max(0, Json.number(usage, "prompt_tokens") - cached);
        output = Json.number(usage, "completion_tokens");
        reasoning = Json.number(usage.path("completion_tokens_details"), "reasoning_tokens");
        return this;
    }

    /** Takes a Messages {@code usage} object: the fields it has replace those so far (as the SDKs merge them). */
    TokenCounts messages(JsonNode usage) {
        if (!usage.isObject()) {
            return this;
        }
        seen = true;
        input = usage.path("input_tokens").isNumber() ? usage.path("input_tokens").asLong() : input;
        cacheRead = usage.path("cache_read_input_tokens").isNumber() ? usage.path("cache_read_input_tokens").asLong() : cacheRead;
        cacheWrite = usage.path("cache_creation_input_tokens").isNumber()
                ? usage.path("cache_creation_input_tokens").asLong() : cacheWrite;
        output = usage.path("output_tokens").isNumber() ? usage.path("output_tokens").asLong() : output;
        return this;
    }

    /** The Messages API's {@code usage}. */
    ObjectNode toMessages() {
        ObjectNode usage = Json.object();
        usage.put("input_tokens", input).put("output_tokens", output)
                .put("cache_creation_input_tokens", cacheWrite).put("cache_read_input_tokens", cacheRead);
        return usage;
    }

    /** The Responses API's {@code usage}, with the details Codex reads. */
    ObjectNode toResponses() {
        ObjectNode usage = Json.object();
        usage.put("input_tokens", prompt());
        usage.putObject("input_tokens_details").put("cached_tokens", cacheRead);
        usage.put("output_tokens", output);
        usage.putObject("output_tokens_details").put("reasoning_tokens", reasoning);
        usage.put("total_tokens", prompt() + output);
        return usage;
    }
}
