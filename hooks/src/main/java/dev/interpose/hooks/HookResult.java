package dev.interpose.hooks;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one hook answered.
 *
 * @param decision          go on, block (deny, for a tool call), or the hook failed
 * @param reason            why it blocked, or what went wrong for an error
 * @param additionalContext text to add to the request the model sees, or null
 * @param prompt            a replacement for the typed prompt ({@code UserPromptSubmit}), or null
 * @param request           a replacement request body ({@code PreRequest}), or null
 */
public record HookResult(Decision decision, String reason, String additionalContext, String prompt, JsonNode request) {

    /** The three ways a hook can end. */
    public enum Decision { CONTINUE, BLOCK, ERROR }

    public static final HookResult CONTINUE = new HookResult(Decision.CONTINUE, null, null, null, null);

    public static HookResult block(String reason) {
        return new HookResult(Decision.BLOCK, reason, null, null, null);
    }

    public static HookResult error(String reason) {
        return new HookResult(Decision.ERROR, reason, null, null, null);
    }

    public static HookResult context(String text) {
        return new HookResult(Decision.CONTINUE, null, text, null, null);
    }

    /** A short label for logs and metrics: {@code continue}, {@code context}, {@code rewrite}, {@code block}, {@code error}. */
    public String outcome() {
        switch (decision) {
            case BLOCK: return "block";
            case ERROR: return "error";
            default:
                return prompt != null || request != null ? "rewrite" : additionalContext != null ? "context" : "continue";
        }
    }
}
