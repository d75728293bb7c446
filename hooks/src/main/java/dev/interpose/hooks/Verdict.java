package dev.interpose.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The merged answer of every hook of one event.
 *
 * @param blockedBy         the hook whose block decides (the strongest {@link HookResult.Permission}, then the first
 *                          in merge order), or null when none blocked
 * @param reason            its reason
 * @param contexts          every added context, in merge order
 * @param prompt            the first replacement prompt in merge order, or null
 * @param request           the first replacement request in merge order, or null
 * @param permission        the deciding {@code permissionDecision}: the block's ({@code DENY} for a plain block), or
 *                          {@code ALLOW} when a hook allowed and none blocked; null when no hook said
 * @param updatedInput      {@code PreToolUse}: the first replacement tool input in merge order, or null; never
 *                          set on a blocked verdict
 * @param updatedToolOutput {@code PostToolUse}: the first replacement tool result in merge order, or null
 * @param systemMessages    every message for the person, in merge order
 * @param sessionTitle      the first session title in merge order, or null
 * @param stopped           a hook said {@code "continue": false}, which outranks every other decision: the turn stops,
 *                          and {@code reason} (its {@code stopReason}) is what the person is answered with;
 *                          {@code blockedBy} names that hook
 */
public record Verdict(String blockedBy, String reason, List<String> contexts, String prompt, JsonNode request,
        HookResult.Permission permission, JsonNode updatedInput, JsonNode updatedToolOutput, List<String> systemMessages,
        String sessionTitle, boolean stopped) {
    public static final Verdict NONE = new Verdict(null, null, List.of(), null, null);

    public Verdict {
        contexts = List.copyOf(contexts);
        systemMessages = List.copyOf(systemMessages);
    }

    public Verdict(String blockedBy, String reason, List<String> contexts, String prompt, JsonNode request) {
        this(blockedBy, reason, contexts, prompt, request, blockedBy == null ? null : HookResult.Permission.DENY, null,
                null, List.of(), null, false);
    }

    public Verdict(String blockedBy, String reason, List<String> contexts, String prompt, JsonNode request,
            HookResult.Permission permission, JsonNode updatedInput, JsonNode updatedToolOutput,
            List<String> systemMessages, String sessionTitle) {
        this(blockedBy, reason, contexts, prompt, request, permission, updatedInput, updatedToolOutput, systemMessages,
                sessionTitle, false);
    }

    public boolean blocked() {
        return blockedBy != null;
    }
}
