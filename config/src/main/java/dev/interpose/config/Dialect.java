package dev.interpose.config;

/**
 * The wire dialect a client speaks, which decides the shape of every error the proxy writes itself and
 * how usage is read from responses.
 */
public enum Dialect {
    /** Anthropic Messages API: {@code {"type":"error","error":{"type","message"}}}. */
    ANTHROPIC,
    /** OpenAI Responses and Chat Completions APIs: {@code {"error":{"message","type","code"}}}. */
    OPENAI
}
