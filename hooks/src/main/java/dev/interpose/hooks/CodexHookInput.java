package dev.interpose.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A hook's input in Codex's shape, for a hook from Codex's own files ({@code HookDefinition.Format.CODEX}), made
 * from the input every hook is built with (Claude Code's shape, docs/hook-tool-names.md). Codex 0.169 shows its
 * shell tools ({@code exec_command}, {@code shell}, {@code shell_command}, {@code local_shell},
 * {@code container.exec}) as {@code Bash} with only {@code tool_input.command}, and a patch as {@code apply_patch}
 * with the whole patch in {@code tool_input.command}, matched by {@code apply_patch}, {@code Write} or {@code Edit};
 * MCP tools keep their {@code mcp__server__tool} name and arguments. So here:
 * <ul>
 *   <li>Claude Code's {@code Bash} is {@code Bash} with {@code {command}}; its {@code Edit}, {@code MultiEdit} and
 *       {@code Write} are {@code apply_patch} with the same change written as a patch;</li>
 *   <li>a Codex call keeps Codex's view: a patch once (not once per file), typing into a running command
 *       ({@code write_stdin}) not at all, as in Codex;</li>
 *   <li>{@code turn_id}, {@code model} and {@code permission_mode} are added as Codex gives them.</li>
 * </ul>
 * Pure functions over Jackson trees; the input given is each hook's own copy and is changed in place.
 */
final class CodexHookInput {
    private static final String BASH = "Bash";
    private static final String APPLY_PATCH = "apply_patch";
    private static final List<String> SHELLS = List.of(BASH, "exec_command", "shell", "shell_command", "local_shell",
            "container.exec");
    private static final List<String> PATCH_NAMES = List.of(APPLY_PATCH, "Write", "Edit");
    private static final List<String> EDITS = List.of("Edit", "Write", "MultiEdit", APPLY_PATCH);

    private CodexHookInput() {
    }

    /** The names a Codex matcher is tried on for a tool known by {@code toolName}; empty when Codex runs no hook. */
    static List<String> names(String toolName) {
        if (toolName == null) {
            return java.util.Collections.singletonList(null);
        }
        if (SHELLS.contains(toolName)) {
            return List.of(BASH);
        }
        if (EDITS.contains(toolName)) {
            return PATCH_NAMES;
        }
        return toolName.equals("write_stdin") ? List.of() : List.of(toolName);
    }

    /** The input in Codex's shape, or null when Codex would not run a hook for this view of the call. */
    static JsonNode of(JsonNode input) {
        if (!(input instanceof ObjectNode out)) {
            return input;
        }
        JsonNode ours = out.path("interpose");
        if (!out.has("turn_id")) {
            out.put("turn_id", ours.path("request_id").asText(""));
        }
        if (!out.has("model")) {
            out.put("model", ours.path("model").asText(""));
        }
        if (!out.has("permission_mode")) {
            out.put("permission_mode", "default");
        }
        if (!out.has("tool_name")) {
            return out;
        }
        String tool = out.path("tool_name").asText();
        JsonNode call = ours.path("tool_call");
        if (call.has("change")) { // one file of a patch
            if (!call.path("name").asText().equals(APPLY_PATCH) || !firstFile(call)) {
                return null; // Codex judges a patch once, and a shell command running one as Bash
            }
            String patch = call.path("input").isTextual() ? call.path("input").asText()
                    : call.path("input").path("input").asText("");
            return tool(out, APPLY_PATCH, patch);
        }
        if (tool.equals(BASH)) {
            return call.path("name").asText().equals("write_stdin") ? null
                    : tool(out, BASH, out.path("tool_input").path("command").asText(""));
        }
        if (EDITS.contains(tool) && !tool.equals(APPLY_PATCH)) {
            return tool(out, APPLY_PATCH, patch(tool, out.path("tool_input")));
        }
        return out;
    }

    private static ObjectNode tool(ObjectNode out, String name, String command) {
        out.put("tool_name", name);
        out.putObject("tool_input").put("command", command);
        return out;
    }

    /** Whether the file of this view is the first file the patch names (a moved file's new path never is). */
    private static boolean firstFile(JsonNode call) {
        if (call.path("change").asText().equals("move")) {
            return false;
        }
        JsonNode raw = call.path("input");
        String patch = raw.isTextual() ? raw.asText() : raw.path("input").asText("");
        for (String line : patch.split("\n")) {
            for (String marker : List.of("*** Add File: ", "*** Update File: ", "*** Delete File: ")) {
                if (line.startsWith(marker)) {
                    return line.substring(marker.length()).trim().equals(call.path("path").asText());
                }
            }
        }
        return true;
    }

    /** A Claude Code edit written as the patch Codex would send for it. */
    static String patch(String tool, JsonNode input) {
        String path = input.path("file_path").asText("");
        StringBuilder patch = new StringBuilder("*** Begin Patch\n");
        if (tool.equals("Write")) {
            patch.append("*** Add File: ").append(path).append('\n');
            lines(patch, '+', input.path("content").asText(""));
        } else {
            patch.append("*** Update File: ").append(path).append('\n');
            Iterable<JsonNode> edits = tool.equals("MultiEdit") ? input.path("edits") : List.of(input);
            for (JsonNode edit : edits) {
                patch.append("@@\n");
                lines(patch, '-', edit.path("old_string").asText(""));
                lines(patch, '+', edit.path("new_string").asText(""));
            }
        }
        return patch.append("*** End Patch\n").toString();
    }

    private static void lines(StringBuilder patch, char sign, String text) {
        if (text.isEmpty()) {
            return;
        }
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        for (String line : body.split("\n", -1)) {
            patch.append(sign).append(line).append('\n');
        }
    }
}
