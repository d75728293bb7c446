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
 * @param extra             the rest of Claude Code's output fields ({@link Extra#NONE} when none was given)
 */
public record HookResult(Decision decision, String reason, String additionalContext, String prompt, JsonNode request,
        Extra extra) {

    /** The three ways a hook can end. */
    public enum Decision { CONTINUE, BLOCK, ERROR }

    /**
     * A {@code PreToolUse} {@code permissionDecision}. Across the hooks of one call the strongest wins: deny, then
     * defer, then ask, then allow. Through the proxy no client can be asked or have a call put off, so
     * {@code ask} and {@code defer} keep the call from running as {@code deny} does, each with its own reason.
     */
    public enum Permission {
        ALLOW, ASK, DEFER, DENY;

        /** The decision of that name ({@code allow}, {@code deny}, {@code ask}, {@code defer}), or null. */
        public static Permission of(String name) {
            for (Permission p : values()) {
                if (p.name().equalsIgnoreCase(name)) {
                    return p;
                }
            }
            return null;
        }

        /** How it is written in hook output. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The output fields beyond the decision.
     *
     * @param permission        the {@code permissionDecision} (or legacy {@code decision: approve|block}), or null
     * @param updatedInput      {@code PreToolUse}: the tool input to run the call with instead, or null
     * @param updatedToolOutput {@code PostToolUse}: the tool result the model sees instead, or null
     * @param systemMessage     text shown to the person, not the model, or null
     * @param sessionTitle      a title for the session, or null
     * @param stop              {@code "continue": false}: the turn stops, its {@code stopReason} (the result's reason)
     *                          being the answer the person sees; the result is then a {@link Decision#BLOCK}
     */
    public record Extra(Permission permission, JsonNode updatedInput, JsonNode updatedToolOutput, String systemMessage,
            String sessionTitle, boolean stop) {
        public static final Extra NONE = new Extra(null, null, null, null, null, false);

        public Extra(Permission permission, JsonNode updatedInput, JsonNode updatedToolOutput, String systemMessage,
                String sessionTitle) {
            this(permission, updatedInput, updatedToolOutput, systemMessage, sessionTitle, false);
        }
    }

    public HookResult {
        extra = extra == null ? Extra.NONE : extra;
    }

    public HookResult(Decision decision, String reason, String additionalContext, String prompt, JsonNode request) {
        this(decision, reason, additionalContext, prompt, request, Extra.NONE);
    }

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

    /** This answer with {@code extra} in place of its own. */
    public HookResult with(Extra extra) {
        return new HookResult(decision, reason, additionalContext, prompt, request, extra);
    }

    /**
     * A short label for logs and metrics: {@code continue}, {@code context}, {@code rewrite}, {@code block},
     * {@code stop}, {@code timeout}, {@code error}.
     */
    public String outcome() {
        switch (decision) {
            case BLOCK: return extra.stop() ? "stop" : "block";
            case ERROR: return timedOut() ? "timeout" : "error";
            default:
                return prompt != null || request != null || extra.updatedInput() != null
                        || extra.updatedToolOutput() != null ? "rewrite"
                        : additionalContext != null ? "context" : "continue";
        }
    }
}
