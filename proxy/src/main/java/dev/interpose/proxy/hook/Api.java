package dev.interpose.proxy.hook;

/** The model APIs whose bodies the hooks read, told apart by the request path. */
public enum Api {
    /** Anthropic {@code /v1/messages}. */
    MESSAGES,
    /** OpenAI {@code /v1/responses}. */
    RESPONSES,
    /** OpenAI {@code /v1/chat/completions}. */
    CHAT;

    /** The API a request path calls, or null when it is not a model call the hooks understand. */
    public static Api of(String path) {
        if (path.endsWith("/messages")) {
            return MESSAGES;
        }
        if (path.endsWith("/responses")) {
            return RESPONSES;
        }
        if (path.endsWith("/chat/completions")) {
            return CHAT;
        }
        return null;
    }
}
