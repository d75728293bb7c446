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
    /** How the reason of a hook that ran out of time begins. */
    private static final String TIMED_OUT = "timed out ";

    public static HookResult block(String reason) {
        return new HookResult(Decision.BLOCK, reason, null, null, null);
    }

    public static HookResult error(String reason) {
        return new HookResult(Decision.ERROR, reason, null, null, null);
    }

    /** The hook did not answer within its time: an error, shown as {@code timeout} ({@code reason} says how long). */
    public static HookResult timeout(String reason) {
        return new HookResult(Decision.ERROR, TIMED_OUT + reason, null, null, null);
    }

    /** Whether this is a hook that ran out of time (see {@link #timeout}). */
    public boolean timedOut() {
        return decision == Decision.ERROR && reason != null && reason.startsWith(TIMED_OUT);
    }

    public static HookResult context(String text) {
        return new HookResult(Decision.CONTINUE, null, text, null, null);
    }

    /**
     * A short label for logs and metrics: {@code continue}, {@code context}, {@code rewrite}, {@code block},
     * {@code timeout}, {@code error}.
     */
    public String outcome() {
        switch (decision) {
            case BLOCK: return "block";
            case ERROR: return timedOut() ? "timeout" : "error";
            default:
                return prompt != null || request != null ? "rewrite" : additionalContext != null ? "context" : "continue";
        }
    }
}
