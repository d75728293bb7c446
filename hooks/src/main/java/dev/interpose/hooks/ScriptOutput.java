package dev.interpose.hooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.config.HookEvent;

/**
 * Reads what a hook process said, the way Claude Code reads it, plus Interpose's additions.
 *
 * <ul>
 *   <li>exit 2: block (deny, for a tool call); stderr is the reason.</li>
 *   <li>exit 0 with a JSON object on stdout: {@code "continue": false} (with {@code stopReason}) stops the
 *       turn, before any other decision; {@code "decision": "block"} (with {@code reason}) blocks; {@code hookSpecificOutput.permissionDecision:
 *       "deny"} (with {@code permissionDecisionReason}) denies a tool call, {@code ask} and {@code defer} keep it
 *       from running too (no client can be asked through the proxy), {@code allow} (or the older
 *       {@code decision: "approve"}) lets it run; {@code updatedInput} replaces its input,
 *       {@code updatedToolOutput} a tool result; {@code systemMessage} is for the person; {@code sessionTitle};
 *       {@code hookSpecificOutput.additionalContext} (or a top-level {@code additionalContext}) adds context.
 *       Interpose's additions: {@code interpose.prompt} replaces the typed prompt, {@code interpose.request}
 *       replaces the whole request body.</li>
 *   <li>exit 0 with plain text: added context on {@code UserPromptSubmit} and {@code SessionStart}; ignored
 *       on other events, as Claude Code does.</li>
 *   <li>any other exit: a hook error, stderr's first line as the reason.</li>
 * </ul>
 */
final class ScriptOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScriptOutput() {
    }

    static HookResult interpret(HookEvent event, int exit, String stdout, boolean stdoutTruncated, String stderr) {
        if (exit == 2) {
            String reason = stderr.strip();
            return HookResult.block(reason.isEmpty() ? "blocked by a hook (exit 2, nothing on stderr)" : reason);
        }
        if (exit != 0) {
            String first = stderr.strip().lines().findFirst().orElse("");
            return HookResult.error("exit " + exit + (first.isEmpty() ? "" : ": " + first));
        }
        if (stdoutTruncated) {
            return HookResult.error("stdout exceeds " + ScriptHook.MAX_STDOUT + " bytes; ignored");
        }
        String text = stdout.strip();
        if (text.isEmpty()) {
            return HookResult.CONTINUE;
        }
        if (text.startsWith("{")) {
            try {
                return json(JSON.readTree(text));
            } catch (JsonProcessingException e) {
                return HookResult.error("stdout is not valid JSON: " + e.getOriginalMessage());
            }
        }
        boolean plainIsContext = event == HookEvent.USER_PROMPT_SUBMIT || event == HookEvent.SESSION_START
                || event == HookEvent.USER_PROMPT_EXPANSION;
        return plainIsContext ? HookResult.context(text) : HookResult.CONTINUE;
    }

    /** A hook's JSON output object (a command's stdout, an http hook's response body), read as Claude Code reads it. */
    static HookResult json(JsonNode out) {
        JsonNode specific = out.path("hookSpecificOutput");
        HookResult.Permission permission = HookResult.Permission.of(specific.path("permissionDecision").asText(null));
        String decision = out.path("decision").asText("");
        if (permission == null && decision.equals("approve")) {
            permission = HookResult.Permission.ALLOW; // the older PreToolUse form
        }
        HookResult.Extra extra = new HookResult.Extra(permission, object(specific, "updatedInput"),
                toolOutput(specific), textOrNull(out, "systemMessage"), textOrNull(specific, "sessionTitle"));
        if (out.path("continue").isBoolean() && !out.path("continue").asBoolean()) {
            return HookResult.block(text(out, "stopReason", "stopped by a hook (continue: false)"))
                    .with(new HookResult.Extra(permission, null, null, extra.systemMessage(), extra.sessionTitle(), true));
        }
        if (decision.equals("block")) {
            return HookResult.block(text(out, "reason", "blocked by a hook")).with(extra);
        }
        if (permission == HookResult.Permission.DENY) {
            return HookResult.block(text(specific, "permissionDecisionReason", "denied by a hook")).with(extra);
        }
        if (permission == HookResult.Permission.ASK) {
            return HookResult.block("the hook asks for confirmation, which cannot be given through the proxy: "
                    + text(specific, "permissionDecisionReason", "no reason given")).with(extra);
        }
        if (permission == HookResult.Permission.DEFER) {
            return HookResult.block("the hook defers the call, which the proxy cannot hold for later: "
                    + text(specific, "permissionDecisionReason", "no reason given")).with(extra);
        }
        String context = specific.path("additionalContext").isTextual() ? specific.path("additionalContext").asText()
                : out.path("additionalContext").isTextual() ? out.path("additionalContext").asText() : null;
        JsonNode ours = out.path("interpose");
        String prompt = ours.path("prompt").isTextual() ? ours.path("prompt").asText() : null;
        JsonNode request = ours.path("request").isObject() ? ours.path("request") : null;
        if (ours.has("request") && request == null) {
            return HookResult.error("interpose.request must be a JSON object (the whole request body)");
        }
        if (specific.has("updatedInput") && extra.updatedInput() == null) {
            return HookResult.error("hookSpecificOutput.updatedInput must be a JSON object (the whole tool input)");
        }
        return new HookResult(HookResult.Decision.CONTINUE, null, context, prompt, request, extra);
    }

    private static JsonNode object(JsonNode node, String field) {
        return node.path(field).isObject() ? node.path(field) : null;
    }

    /** {@code updatedToolOutput}, or {@code updatedMCPToolOutput} as Claude Code names it for MCP tools. */
    private static JsonNode toolOutput(JsonNode specific) {
        JsonNode value = specific.has("updatedToolOutput") ? specific.path("updatedToolOutput")
                : specific.path("updatedMCPToolOutput");
        return value.isMissingNode() || value.isNull() ? null : value;
    }

    private static String textOrNull(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.path(field).asText() : null;
    }

    private static String text(JsonNode node, String field, String otherwise) {
        String value = node.path(field).asText("");
        return value.isBlank() ? otherwise : value;
    }
}
