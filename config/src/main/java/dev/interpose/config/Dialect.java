package dev.interpose.config;

/**
 * An API dialect. A client speaks one of two families, {@link #ANTHROPIC} or {@link #OPENAI}, which decides the
 * shape of every error the proxy writes itself and how usage is read from responses. An upstream declares the
 * API it speaks exactly: {@link #ANTHROPIC}, {@link #OPENAI_RESPONSES} or {@link #OPENAI_CHAT}, or
 * {@link #OPENAI}, which speaks whichever OpenAI API the client does (Responses for {@code /v1/responses}, Chat
 * for {@code /v1/chat/completions}). A route's {@code dialect} filter takes any of the four: {@code openai}
 * matches both OpenAI APIs. Written in the config as {@code anthropic}, {@code openai},
 * {@code openai-responses}, {@code openai-chat}.
 */
public enum Dialect {
    /** Anthropic Messages API: {@code {"type":"error","error":{"type","message"}}}. */
    ANTHROPIC,
    /** OpenAI Responses and Chat Completions APIs: {@code {"error":{"message","type","code"}}}. */
    OPENAI,
    /** OpenAI Responses API only ({@code /v1/responses}). */
    OPENAI_RESPONSES,
    /** OpenAI Chat Completions API only ({@code /v1/chat/completions}): most OpenAI-compatible servers. */
    OPENAI_CHAT;

    /** The vendor family: {@link #ANTHROPIC} or {@link #OPENAI}. */
    public Dialect family() {
        return this == ANTHROPIC ? ANTHROPIC : OPENAI;
    }

    /** Whether a filter of this dialect matches a request of {@code other} ({@code openai} matches every OpenAI API). */
    public boolean includes(Dialect other) {
        return this == other || this == OPENAI && other.family() == OPENAI;
    }

    /** As the config writes it: {@code openai-chat}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
