package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The session a request belongs to, as the hooks are told it. Stateless. */
final class SessionIds {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SessionIds() {
    }

    /**
     * The client session: Claude Code's {@code x-claude-code-session-id}, Codex's {@code session-id} or
     * {@code thread-id} (the caller picks the header), else {@code metadata.user_id} (a JSON string holding a
     * {@code session_id}, or a plain id). Null when the request names none.
     */
    static String of(RequestHooks.Meta meta, ObjectNode json) {
        if (meta.sessionHeader() != null && !meta.sessionHeader().isBlank()) {
            return meta.sessionHeader();
        }
        JsonNode user = json.path("metadata").path("user_id");
        if (!user.isTextual() || user.asText().isBlank()) {
            return null;
        }
        String text = user.asText();
        if (text.startsWith("{")) {
            try {
                JsonNode inner = JSON.readTree(text);
                if (inner.path("session_id").isTextual()) {
                    return inner.path("session_id").asText();
                }
            } catch (java.io.IOException e) {
                // a plain id after all
            }
        }
        return text;
    }
}
